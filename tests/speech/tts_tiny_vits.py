"""Builds a tiny randomly initialised Coqui VITS (config.json + best_model.pth, ~1.4 MB) for the Coqui engine test.

Run with .venv-coqui's Python (it imports Coqui/torch): `python tts_tiny_vits.py OUT_DIR`. The voice babbles — the
test checks that load + synthesis + conversion work for real, not what it says.
"""

from __future__ import annotations

import sys
from pathlib import Path


def build(out: Path) -> None:
    import torch
    from TTS.tts.configs.shared_configs import CharactersConfig
    from TTS.tts.configs.vits_config import VitsArgs, VitsConfig
    from TTS.tts.models.vits import Vits

    torch.manual_seed(0)
    args = VitsArgs(
        hidden_channels=32, hidden_channels_ffn_text_encoder=64, num_heads_text_encoder=2,
        num_layers_text_encoder=2, num_layers_posterior_encoder=2, num_layers_flow=2,
        upsample_initial_channel_decoder=64, init_discriminator=False,
    )
    chars = CharactersConfig(
        characters_class="TTS.tts.models.vits.VitsCharacters", pad="<PAD>", eos="<EOS>", bos="<BOS>",
        blank="<BLNK>", characters="abcdefghijklmnopqrstuvwxyz", punctuations="!'(),-.:;? ",
    )
    config = VitsConfig(model_args=args, use_phonemes=False, text_cleaner="basic_cleaners", characters=chars)
    config.audio.sample_rate = 16000
    model = Vits(config)
    out.mkdir(parents=True, exist_ok=True)
    torch.save({"model": model.state_dict()}, out / "best_model.pth")
    config.save_json(str(out / "config.json"))


if __name__ == "__main__":
    build(Path(sys.argv[1]))
