"""The geomap command line: a thin layer over the library."""
