"""Bewaard: a logged-in resident keeps places and initiatives ("Mijn plekken" > Bewaard), also offline."""
