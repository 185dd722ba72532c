"""The performance benchmark (issue 9): data generator, in-process page timings, HTTP load. See the README."""
