"""Handing tokens to trainees: links, typable codes, printable slips and SMS lists."""
