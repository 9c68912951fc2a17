"""Pages of the awards app (the registry for now); each module holds one area's views."""
