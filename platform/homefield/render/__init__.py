"""`homefield render`: every generated file under deploy/ (and the Dockerfile) from the catalog."""
