"""Peak memory per device of a training step, from the model's config.json and the training settings alone.

The peak is not the sum of the components: activations are freed while gradients are created, so the
estimate takes the largest total over the moments that matter (end of forward, start of backward, backward
through the last and first layers, optimizer step) of the components alive at that moment.
"""

from dataclasses import dataclass, field, replace

from sftflow.memory import activations as act
from sftflow.memory.architecture import Architecture, architecture, read_model_config
from sftflow.memory.setup import Setup, setup_from_request

GIB = 2 ** 30
CUDA_OVERHEAD = int(0.75 * GIB)  # CUDA context (~0.5 GB), cuBLAS workspaces, caching-allocator slack


@dataclass
class MemoryEstimate:
    """Bytes per device, by component; `phases` says which of them are alive together."""

    setup: Setup
    params: int
    trainable: int
    weights: float
    adapters: float
    gradients: float
    optimizer: float
    master_weights: float
    activations: float  # kept for backward at the end of the forward pass
    layer_backward: float  # one layer being back-propagated (recomputed first under checkpointing)
    lm_head_forward: float
    lm_head_backward: float
    head_gradient: float  # the LM head weight's fp32 gradient, alive from the start of backward
    step_extra: float  # the embedding's own gradient (tied weights), foreach optimizer temporaries
    gathered: float  # FSDP / ZeRO-3: full weights of the layers being computed
    ddp_buckets: float  # DDP's gradient buckets, a second copy of the gradients
    overhead: float
    notes: list[str] = field(default_factory=list)

    def phases(self) -> dict[str, float]:
        static = (self.weights + self.adapters + self.optimizer + self.master_weights + self.gathered
                  + self.ddp_buckets + self.overhead)
        held = self.gradients if self.setup.grad_accum > 1 else 0  # accumulated across micro-batches
        return {
            "end of forward": static + held + self.activations + self.lm_head_forward,
            "start of backward": static + held + self.activations + self.lm_head_backward + self.head_gradient,
            "backward, last layer": static + held + self.activations + self.layer_backward + self.head_gradient,
            "backward, first layer / optimizer step": static + self.gradients + max(self.layer_backward,
                                                                                     self.step_extra),
        }

    @property
    def peak(self) -> float:
        return max(self.phases().values())

    @property
    def peak_phase(self) -> str:
        phases = self.phases()
        return max(phases, key=phases.get)

    def components(self) -> list[tuple[str, float]]:
        """(label, bytes) rows for a table; zero rows left out."""
        rows = [("weights", self.weights), ("LoRA adapters", self.adapters), ("gradients", self.gradients),
                ("optimizer states", self.optimizer), ("fp32 master weights", self.master_weights),
                ("activations kept for backward", self.activations),
                ("one layer's backward working set", self.layer_backward),
                ("LM head + loss working set", max(self.lm_head_forward, self.lm_head_backward)),
                ("LM head weight gradient (transient)", self.head_gradient),
                ("embedding gradient / optimizer temporaries", self.step_extra),
                ("gathered layers (FSDP / ZeRO-3)", self.gathered), ("DDP gradient buckets", self.ddp_buckets),
                ("CUDA context and workspace", self.overhead)]
        return [(label, value) for label, value in rows if value > 0]


def plan_inputs(request, num_processes: int = 1, strategy: str | None = None) -> tuple[Architecture, Setup]:
    """(Architecture, Setup) of a sftflow.settings.PlanRequest; the vision tower counts only when the model class
    loads it."""
    arch = architecture(read_model_config(request))
    if not request.loads_vision:
        arch = replace(arch, vision_linears=(), vision_other=0)
    return arch, setup_from_request(request, num_processes, strategy, arch.dtype)


def estimate(arch: Architecture, s: Setup) -> MemoryEstimate:
    """Every component for one device; sharding divides what the strategy shards."""
    trainable, p = trainable_params(arch, s)
    weights, gradients = base_weight_bytes(arch, s), trainable * p
    optimizer, master = optimizer_bytes(arch, s, trainable, p)
    fwd, bwd = act.lm_head(arch, s)
    shard = _Sharding(s)
    return MemoryEstimate(
        setup=s, params=arch.total_params, trainable=trainable,
        weights=shard.of_weights(weights), adapters=shard.of_weights(trainable * p if s.peft else 0),
        gradients=shard.of_gradients(gradients), optimizer=shard.of_optimizer(optimizer),
        master_weights=shard.of_optimizer(master), activations=act.saved(arch, s),
        layer_backward=act.layer_working_set(arch, s), lm_head_forward=fwd, lm_head_backward=bwd,
        head_gradient=head_gradient(arch, s, p), step_extra=_step_extra(arch, s, trainable, p),
        gathered=_gathered(arch, s, weights) if shard.weights else 0,
        ddp_buckets=gradients if s.strategy == "ddp" and s.num_processes > 1 else 0,
        overhead=CUDA_OVERHEAD if s.device == "cuda" else 0, notes=list(arch.notes))


def trainable_params(arch: Architecture, s: Setup) -> tuple[int, int]:
    """(count, bytes each). LoRA: r x (in + out) per adapted layer, plus DoRA's magnitude vector."""
    if not s.peft:
        return arch.total_params, s.weight_bytes
    count = sum(lin.count * (s.lora_r * (lin.in_features + lin.out_features) + (lin.out_features if s.dora else 0))
                for lin in act.adapted(arch, s))
    # TRL keeps ZeRO-3 adapters in the weights' dtype; peft upcasts others to fp32; QLoRA's are cast to bf16
    zero3 = s.strategy.startswith("zero3") and s.num_processes > 1 and not s.quantization
    return count, s.weight_bytes if zero3 else (2 if s.quantization else 4)


def base_weight_bytes(arch: Architecture, s: Setup) -> float:
    """The model's own weights; bitsandbytes quantizes every Linear but the LM head."""
    total, w = arch.total_params, s.weight_bytes
    quantized = sum(lin.count * lin.in_features * lin.out_features for lin in arch.linears())
    if s.quantization == "4bit":  # NF4: 4 bits + an fp32 absmax per 64 values (8-bit + fp32 per 256 blocks nested)
        per = 0.5 + (1 / 64 + 4 / (64 * 256) if s.double_quant else 4 / 64)
        return quantized * per + (total - quantized) * w
    if s.quantization == "8bit":  # LLM.int8: one byte + an fp32 scale per output row
        scales = sum(lin.count * lin.out_features * 4 for lin in arch.linears())
        return quantized + scales + (total - quantized) * w
    return total * w


def optimizer_bytes(arch: Architecture, s: Setup, trainable: int, p: int) -> tuple[float, float]:
    """(states, fp32 master weights). torch keeps states in the parameters' dtype; DeepSpeed keeps fp32
    states over an fp32 master copy of half-precision weights."""
    name = s.optimizer.lower()
    if "adafactor" in name:  # factored second moment: a row and a column vector per matrix
        return _adafactor_bytes(arch, s), 0
    states = _state_count(name, s.momentum)
    if s.strategy.startswith("zero"):
        return trainable * 4 * states, trainable * 4 if p != 4 else 0
    if "8bit" in name:
        return trainable * states * (1 + 4 / 256), 0  # uint8 states + an fp32 absmax per block of 256
    if "4bit" in name:
        return trainable * states * (0.5 + 4 / 128), 0
    if name.startswith("paged_") or "32bit" in name or "bnb" in name:
        return trainable * states * 4, 0  # bitsandbytes' 32-bit states are fp32
    return trainable * states * p, 0


def _state_count(name: str, momentum: bool) -> int:
    if "sgd" in name:
        return 1 if momentum else 0
    if "ademamix" in name:
        return 3
    if any(key in name for key in ("lion", "rmsprop", "adagrad")):
        return 1
    if "lomo" in name:
        return 0
    return 2  # AdamW and its variants; unknown optimizers are assumed to be Adam-like


def _adafactor_bytes(arch: Architecture, s: Setup) -> float:
    if s.peft:
        rows_cols = sum(lin.count * (2 * s.lora_r + lin.in_features + lin.out_features) for lin in act.adapted(arch, s))
        return 4 * rows_cols
    rows_cols = sum(lin.count * (lin.in_features + lin.out_features) for lin in arch.linears())
    embeddings = (arch.vocab + arch.hidden) * (1 if arch.tied else 2)
    return 4 * (rows_cols + embeddings + arch.norm_params)


def head_gradient(arch: Architecture, s: Setup, p: int) -> float:
    """Full fine-tuning trains the LM head (or the tied embedding): TRL's fused head accumulates its gradient
    in fp32, then casts it to the weights' dtype."""
    if s.peft:
        return 0
    size = arch.vocab * arch.hidden
    if not s.fused_lm_head:
        return size * p
    return size * 4 + (size * p if p != 4 else 0)


def _step_extra(arch: Architecture, s: Setup, trainable: int, p: int) -> float:
    extra = arch.vocab * arch.hidden * p if arch.tied and not s.peft else 0  # added into the head's gradient
    foreach = s.device == "cuda" and s.optimizer in ("adamw_torch", "adamw_hf") and not s.strategy.startswith("zero")
    return extra + (trainable * p if foreach else 0)  # foreach AdamW materialises a parameter-sized temporary


def _gathered(arch: Architecture, s: Setup, weights: float) -> float:
    """Sharded weights are all-gathered a layer at a time (the next one prefetched); the fused LM head
    gathers the whole output embedding."""
    return 2 * weights * arch.layer_weight_params() / arch.total_params + arch.vocab * arch.hidden * s.weight_bytes


class _Sharding:
    """What FSDP / DeepSpeed ZeRO divide by the number of processes, and what offload moves to the CPU."""

    def __init__(self, s: Setup):
        n, st = s.num_processes, s.strategy
        self.n = n
        self.weights = st.startswith(("fsdp", "zero3")) and n > 1
        self.grads = self.weights or st.startswith("zero2")
        self.optim = self.grads or st.startswith("zero1")
        self.offload_optim = st.endswith("offload")
        self.offload_params = st in ("fsdp-offload", "zero3-offload")

    def of_weights(self, value: float) -> float:
        return 0 if self.offload_params else value / self.n if self.weights else value

    def of_gradients(self, value: float) -> float:
        return value / self.n if self.grads else value

    def of_optimizer(self, value: float) -> float:
        return 0 if self.offload_optim else value / self.n if self.optim else value
