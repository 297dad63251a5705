"""Video-stage feedback about the sound: "slower voice", "a female voice", "calmer music",
"no music", "music quieter". Returns changes the video stage applies to its
:class:`~adpipeline.models.AudioSettings` (see ``pipeline.sound_changes.apply_changes``).

Kept apart from the story and image rules so each interpreter stays readable.
"""

from __future__ import annotations

import re

from ...adjustments import Changes
from ...media.music import MOOD_WORDS

_MUSIC = r"(?:music|soundtrack|bed|score|song|track)"
#: Where a message's parts meet, and the parts that ask for nothing.
_PART_BREAK = re.compile(r"[.,;:!?\n]+|\s+(?:and|but|then|also|plus)\s+")
_COURTESY = re.compile(r"(?:please|pls|thanks|thank you|thx|cheers|ok(?:ay)?)")


def sound_changes(message: str) -> tuple[Changes, list[str]]:
    """Changes and the plan sentences for one message; empty when it is not about sound."""
    text = message.lower()
    changes = Changes()
    said: list[str] = []
    if re.search(rf"\b(no|without|remove the|drop the|turn off the|kill the|mute the) {_MUSIC}\b|"
                 rf"\b{_MUSIC} off\b", text):
        changes.music = "off"
        said.append("drop the music")
    else:
        if re.search(rf"\b{_MUSIC} (?:a bit |much |a lot )?(quieter|softer|lower|down)\b|"
                     rf"\b(quieter|softer|lower) {_MUSIC}\b|\bturn (?:the )?{_MUSIC} down\b", text):
            changes.music_db_delta = -6.0
            said.append("bring the music down 6 dB")
        elif re.search(rf"\b{_MUSIC} (?:a bit |much )?(louder|up|higher)\b|\b(louder) {_MUSIC}\b|"
                       rf"\bturn (?:the )?{_MUSIC} up\b", text):
            changes.music_db_delta = 4.0
            said.append("bring the music up 4 dB")
        if re.search(rf"\b{_MUSIC}\b", text):
            for word in re.findall(r"[a-z]+", text):
                if word in MOOD_WORDS:
                    changes.music = MOOD_WORDS[word]
                    said.append(f"make the music {MOOD_WORDS[word]}")
                    break
        if changes.music is None and re.search(rf"\b(add|with|bring back the|some) {_MUSIC}\b", text):
            changes.music = "auto"
            said.append("add music that follows the story's tone")
    if re.search(r"\b(no|without|remove the|drop the|mute the) (voice|voiceover|narration|narrator)\b",
                 text):
        changes.voice_on = False
        said.append("leave out the voiceover")
    if re.search(r"\b(slower|slow down the|calmer|less rushed) (voice|voiceover|narration|narrator|read)\b|"
                 r"\b(voice|voiceover|narration|narrator) (?:a bit |much )?slower\b|\bspeak slower\b", text):
        changes.speed_factor = 0.85
        said.append("read the lines 15 % slower")
    elif re.search(r"\b(faster|quicker|speed up the) (voice|voiceover|narration|narrator|read)\b|"
                   r"\b(voice|voiceover|narration|narrator) (?:a bit |much )?faster\b|"
                   r"\bspeak faster\b", text):
        changes.speed_factor = 1.15
        said.append("read the lines 15 % faster")
    gender = re.search(r"\b(female|woman|woman's|women's|male|man|man's|men's)\b.{0,20}"
                       r"\b(voice|voiceover|narrator|narration)\b", text)
    if gender:
        wish = "female" if gender.group(1).startswith(("female", "wom")) else "male"
        changes.voice = wish
        said.append(f"use a {wish} voice")
    return changes, said


def only_about_sound(message: str) -> bool:
    """Whether every part of ``message`` asks for a sound change or is a courtesy: "music
    quieter, thanks" is; "music quieter and more drama" also asks for something else."""
    parts = [p.strip() for p in _PART_BREAK.split(message.lower()) if p.strip()]
    return bool(parts) and all(sound_changes(p)[0] or _COURTESY.fullmatch(p) for p in parts)
