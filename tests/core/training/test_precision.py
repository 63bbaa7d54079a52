"""--precision bf16: the losses under torch.autocast on the CPU (as on a GPU with bfloat16),
the weights and evaluation in float32, a VQ codebook's distances and EMA sums in float32."""
import math

import pytest
import torch

from explorer.core.data.datasets import load_dataset
from explorer.core.runs import load_run
from explorer.core.training.config import TrainConfig, make_configs
from explorer.core.training.engine import Failed, Finished, TrainingEngine


def test_precision_is_checked():
    assert TrainConfig(precision="bf16").validate().precision == "bf16"
    with pytest.raises(ValueError, match="train.precision must be one of fp32, bf16"):
        TrainConfig(precision="fp16").validate()


@pytest.mark.parametrize("model, extra", [("vae", {}), ("vqvae", {"ema": True})])
def test_bf16_trains_and_keeps_float32_weights(tmp_path, model, extra):
    data = load_dataset("digits")
    mc, tc = make_configs(model, data, extra, {"steps": 12, "seed": 0, "dataset": "digits", "precision": "bf16",
                                               "log_every": 4})
    events = list(TrainingEngine.create(tmp_path / "run", mc, tc, data=data).run())
    assert not [e for e in events if isinstance(e, Failed)]
    end = events[-1]
    assert isinstance(end, Finished) and end.step == 12
    assert end.summary and all(math.isfinite(v) for v in end.summary.values() if isinstance(v, float))
    run = load_run(tmp_path / "run")
    assert all(p.dtype == torch.float32 for p in run.model.parameters())
    assert run.train_cfg.precision == "bf16"
