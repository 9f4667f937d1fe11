"""The GUI of reading text: the Read text action, the Text dock and the boxes over the image."""
