"""Replicate's image models: a picture drawn from a prompt (and the approved reference
sheets, for models that take input images), and inpainting a masked region."""

from __future__ import annotations

from typing import Any

from ...media.images import decode_image, encode_png, fit_to
from ...media.masks import mask_from_png, mask_to_png, resize_mask
from ..base import ImageRequest
from ..gateway import report_note
from ..shared.pictures import keep_unmasked
from ..shared.prompts import image_prompt
from . import families
from .client import ReplicateProvider

#: SDXL works best at about a megapixel; bigger inputs are scaled down before sending.
_SDXL_SIDE = 1024


class ReplicateImageProvider(ReplicateProvider):
    """Image and inpaint: PNGs of exactly the size asked for."""

    def generate(self, request: ImageRequest, references: list[bytes]) -> bytes:
        """Draw ``request`` and return a PNG of exactly its size (cover-fitted).

        ``references`` (the approved sheets) go to models that take input images (FLUX.2
        ``input_images``, Kontext ``input_image``); for one that does not, the ledger
        says so, since shots will drift.
        """
        client = self.client()
        model_input = self._image_input(request)
        if references:
            slot = families.REFERENCE_FIELDS.get(self.model.split(":", 1)[0].lower())
            if slot is None:
                report_note(f"{self.model} takes no image input: drawn from the prompt alone, "
                            "not from the approved reference sheets")
            else:
                name, most = slot
                files = [self._file_input(client, data, f"reference-{i}.png", "image/png")
                         for i, data in enumerate(references[:most])]
                model_input[name] = files if most > 1 else files[0]
                model_input["prompt"] = image_prompt(request, with_references=True)
        (output,) = self._run(client, [model_input])
        picture = self._fetch_image(client, output, "the image")
        return encode_png(fit_to(picture, request.width, request.height))

    def _image_input(self, request: ImageRequest) -> dict[str, Any]:
        prompt = image_prompt(request)
        family = families.input_shape(self.model)
        if family == "flux":
            return {"prompt": prompt, "aspect_ratio": _aspect_ratio(request.width, request.height),
                    "output_format": "png", "seed": request.seed}
        width, height = _model_size(request.width, request.height)
        return {"prompt": prompt, "negative_prompt": "watermark, blurry, distorted",
                "width": width, "height": height, "seed": request.seed, "num_outputs": 1}

    def inpaint(self, image: bytes, mask: bytes, prompt: str, seed: int) -> bytes:
        """Repaint the mask's white pixels of ``image``; a PNG of ``image``'s size in which
        nothing outside the mask changed."""
        source = decode_image(image)
        painted = mask_from_png(mask)
        width, height = _model_size(source.width, source.height)
        # Image and mask go at the same, model-friendly size; the answer is fitted back.
        small = source if source.size == (width, height) else source.resize((width, height))
        model_mask = resize_mask(resize_mask(painted, source.width, source.height), width, height)
        client = self.client()
        model_input: dict[str, Any] = {
            "prompt": prompt,
            "image": self._file_input(client, encode_png(small), "image.png", "image/png"),
            "mask": self._file_input(client, mask_to_png(model_mask), "mask.png", "image/png"),
            "seed": seed,
        }
        if families.input_shape(self.model) == "flux-fill":
            model_input["output_format"] = "png"
        else:
            model_input["num_outputs"] = 1
        (output,) = self._run(client, [model_input])
        edited = self._fetch_image_bytes(client, output, "the edited image")
        return keep_unmasked(image, edited, mask)


_FLUX_RATIOS = ("1:1", "16:9", "21:9", "3:2", "2:3", "4:5", "5:4", "3:4", "4:3", "9:16", "9:21")


def _aspect_ratio(width: int, height: int) -> str:
    """The FLUX aspect ratio closest to ``width``:``height`` (the picture is then cropped)."""
    target = width / height

    def distance(ratio: str) -> float:
        w, h = ratio.split(":")
        return abs(int(w) / int(h) - target)

    return min(_FLUX_RATIOS, key=distance)


def _model_size(width: int, height: int) -> tuple[int, int]:
    """``width`` x ``height`` scaled to at most ``_SDXL_SIDE`` on the long side, in
    multiples of 8 (what SDXL's latent grid needs)."""
    scale = min(1.0, _SDXL_SIDE / max(width, height))
    return max(64, round(width * scale / 8) * 8), max(64, round(height * scale / 8) * 8)
