// placeholder for build bootstrap
