"""Run directories: the one on-disk format every part of the program reads and writes.

checkpoints/<run>/
    manifest.json      format name and version; size and SHA-256 of each checkpoint file
    config.json        everything needed to rebuild the model (JSON: never code)
    model.safetensors  weights and buffers (safetensors: loading runs no code)
    trainer.pt         optimizer state, RNG state, position in the epoch
                       (torch.load(weights_only=True): a pickle that would run code is refused)
    state.json         step, epoch, time of the last checkpoint
    metrics.jsonl      append-only, one JSON object a line
    samples/           epoch_0001.png (images) or epoch_0001.npy (2-D points)
    maps/              cached 2-D maps of the run's latents
    .lock              held (flock) by the process training the run

docs/ARCHITECTURE.md ("Run directories") says how a save survives a kill at any moment and
what the program may delete. The modules: files (names, atomic writes, reads that name
their failure), manifest, weights, load (settings and the model), protect (what may be
written or deleted), metrics_log.
"""
from .files import (CONFIG, FORMAT_VERSION, LOCK, MANIFEST, MANIFEST_VERSION, METRICS, SAMPLES, STATE, TRAINER,
                    WEIGHTS, CheckpointError, atomic_write_bytes, atomic_write_json, clean_for_json, read_bytes,
                    read_json)
from .load import (LoadedRun, free_run_name, has_checkpoint, list_runs, load_run, load_run_data, read_config,
                   read_state, write_config)
from .manifest import (RUN_FORMAT, file_entry, is_run_dir, read_manifest, read_verified, save_checkpoint, sign_run,
                       verify, write_manifest)
from .metrics_log import MetricsLog, NullLog, history, last_checkpoint_step, read_metrics
from .protect import RunDirRefused, RunLock, check_no_links, clean_stale_temps, prepare_run_dir, remove_run_files
from .weights import (check_model_fits, fit_weights, load_trainer_state, load_weights,
                      meta_int, parse_weights, save_trainer_state, save_weights, trainer_bytes, weights_bytes)

__all__ = [
    "CONFIG", "FORMAT_VERSION", "LOCK", "MANIFEST", "MANIFEST_VERSION", "METRICS", "SAMPLES", "STATE", "TRAINER",
    "WEIGHTS", "CheckpointError", "atomic_write_bytes", "atomic_write_json", "clean_for_json", "read_bytes",
    "read_json", "LoadedRun", "free_run_name", "has_checkpoint", "list_runs", "load_run", "load_run_data", "read_config",
    "read_state", "write_config", "RUN_FORMAT", "file_entry", "is_run_dir", "read_manifest", "read_verified",
    "save_checkpoint", "sign_run", "verify", "write_manifest", "MetricsLog", "NullLog", "history", "last_checkpoint_step",
    "read_metrics", "RunDirRefused", "RunLock", "check_no_links", "clean_stale_temps", "prepare_run_dir", "remove_run_files",
    "check_model_fits", "fit_weights", "load_trainer_state", "load_weights", "meta_int",
    "parse_weights", "save_trainer_state", "save_weights", "trainer_bytes", "weights_bytes",
]
