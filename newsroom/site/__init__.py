"""The Pelican glue: the plugin and the build's one state, the reader, cross-file checks, the clock, writing, output."""
