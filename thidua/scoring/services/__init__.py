"""Write services of the scoring app, one module per concern; import the module you need."""
