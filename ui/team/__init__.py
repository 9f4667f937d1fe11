"""A server case's team in the window: File > Team…"""
