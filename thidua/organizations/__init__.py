"""Units in a tree, staff and their memberships, emulation blocks and each block's year."""
