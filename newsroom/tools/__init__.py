"""The invoke tasks beside the build: check, new, schedule, share-check, bench, web-config, publish."""
