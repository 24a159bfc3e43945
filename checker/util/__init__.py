"""Small helpers shared by every stage: safe reading and atomic writing."""
