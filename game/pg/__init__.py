"""The game's pygame side: sprites, rendering, HUD, audio, input and the window.

Only this package (and ``engine.pg``) imports pygame; the simulation in
``game`` runs and is tested without it.
"""
