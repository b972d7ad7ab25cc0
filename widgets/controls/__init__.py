"""The item widgets: one ipywidgets view per kind of item, saving each answer the moment it is given."""
