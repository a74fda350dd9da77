"""Activation memory: what autograd keeps for backward, counted tensor by tensor for a Llama-style layer.

Counts follow transformers 5 / peft / TRL code paths (checked with saved-tensor hooks on tiny models):
RMSNorm keeps an fp32 copy of its input, the normalized tensor when its weight trains, and its output when
a linear layer reads it; attention keeps q, k, v and the output (sdpa/flash) or the (heads x seq x seq)
probabilities (eager); the gated MLP keeps gate, up, act(gate) and their product.
"""

from sftflow.memory.architecture import Architecture
from sftflow.memory.setup import Setup

TOKEN_TILE, VOCAB_TILE = 4096, 32768  # TRL's fused LM head projects [4096 tokens x 32768 vocab] tiles
# fp32 tile-sized temporaries alive at once in TRL's torch fallback (no Triton, e.g. CPU): z, exp(z), e*z in the
# forward pass; y, z, log_p, p, grad, is_target (bool) and two expression temporaries in the backward pass.
CPU_TILES_FORWARD, CPU_TILES_BACKWARD = 3, 7.25


def layer_saved(arch: Architecture, s: Setup) -> float:
    """Bytes one decoder layer keeps for backward over a micro-batch."""
    return s.tokens * (_norms(arch, s) + _attention(arch, s) + _mlp(arch, s) + _lora(arch, s))


def checkpoints(arch: Architecture, s: Setup) -> float:
    """With gradient checkpointing only each layer's input stays; the residual stream is fp32 when
    autocast runs over fp32 weights."""
    residual = 4 if _autocast_over_fp32(s) else s.act_bytes
    return arch.layers * s.tokens * arch.hidden * residual


def saved(arch: Architecture, s: Setup) -> float:
    """Everything kept for backward at the end of the forward pass (the LM head's own share excluded)."""
    layers = checkpoints(arch, s) if s.gradient_checkpointing else arch.layers * layer_saved(arch, s)
    final_norm = s.tokens * arch.hidden * (4 + _normalized(arch, s))
    return layers + final_norm + _masks(arch, s) + _autocast_weight_copies(arch, s)


def layer_working_set(arch: Architecture, s: Setup) -> float:
    """Transient memory while back-propagating one layer: its recomputed activations under checkpointing,
    plus the gradients of its activations (residual in/out, then the MLP's or the attention scores')."""
    a = s.act_bytes
    scores = arch.heads * s.seq_len * (4 + a) if s.attention == "eager" else 0
    grads = s.tokens * (2 * arch.hidden * a + max(3 * arch.intermediate * a, scores))
    return grads + (layer_saved(arch, s) if s.gradient_checkpointing else 0)


def lm_head(arch: Architecture, s: Setup) -> tuple[float, float]:
    """(forward, backward) working set of the LM head and loss, beyond the layers' activations."""
    t, h, v, a = s.tokens, arch.hidden, arch.vocab, s.act_bytes
    hidden_copy = t * h * a  # the head's input, sliced to the positions that have a next token
    if not s.fused_lm_head:  # logits, their fp32 upcast and log-softmax; backward: its gradient (+ cast)
        upcast = 4 if a != 4 else 0
        return hidden_copy + t * v * (a + upcast + 4), hidden_copy + t * v * (8 + (a if a != 4 else 0))
    tile = min(t, TOKEN_TILE) * min(v, VOCAB_TILE)
    buffer = tile * a
    grad_hidden = t * h * 4 + (t * h * a if a != 4 else 0)  # accumulated in fp32, then cast
    if s.device == "cuda":  # Triton folds each tile in registers
        return hidden_copy + buffer, hidden_copy + buffer + grad_hidden
    return (hidden_copy + buffer + CPU_TILES_FORWARD * tile * 4,
            hidden_copy + buffer + CPU_TILES_BACKWARD * tile * 4 + grad_hidden)


def _norms(arch: Architecture, s: Setup) -> float:
    """Per token. Pre-norms feed linear layers (their output is kept); Gemma's post-norms feed the residual."""
    h, a, post = arch.hidden, s.act_bytes, arch.norms_per_layer - 2
    if s.liger:  # Liger's RMSNorm keeps its input and the per-row rstd only
        kept = h * (2 * a * 2 + a * post)
    else:  # the attention norm feeds q, k and v; the MLP norm feeds gate and up
        own = 4 + _normalized(arch, s)
        kept = h * (2 * own + _norm_output(s, 3) + _norm_output(s, 2) + post * own)
    qk_width = (arch.heads + arch.kv_heads) * arch.head_dim if arch.qk_norm else 0  # q_norm, k_norm over heads
    qk = qk_width * (a if s.liger else 4 + _normalized(arch, s))
    return kept + qk + 4 * arch.norms_per_layer


def _normalized(arch: Architecture, s: Setup) -> float:
    """The normalized tensor is kept only to compute the norm weight's gradient (full fine-tuning)."""
    if s.peft:
        return 0
    return 4 if arch.gemma_norms else s.act_bytes  # Gemma multiplies fp32 (1 + w); Llama casts back first


def _norm_output(s: Setup, consumers: int) -> float:
    """Autocast casts an fp32 norm output to bf16 separately for every trained linear layer that reads it
    (frozen LoRA base layers keep none; the adapters' copies are counted with LoRA)."""
    if _autocast_over_fp32(s):
        return 0 if s.peft else 2 * consumers
    return s.act_bytes


def _attention(arch: Architecture, s: Setup) -> float:
    a, q, kv, lse = s.act_bytes, arch.heads * arch.head_dim, arch.kv_heads * arch.head_dim, 4 * arch.heads
    if s.attention == "eager":  # q, repeated k and v, output; fp32 probabilities and their cast
        return 4 * q * a + arch.heads * s.seq_len * (4 + (a if a != 4 else 0))
    if s.attention == "sdpa" and s.padded and s.batch_size > 1:
        # a padding mask: transformers repeats k and v, and sdpa keeps an additive copy of the mask per layer
        return (2 * q + 2 * (q if kv < q else kv)) * a + lse + s.seq_len * a
    return (2 * q + 2 * kv) * a + lse  # q, k, v, output (+ logsumexp); the output is o_proj's input


def _mlp(arch: Architecture, s: Setup) -> float:
    # gate, up, act(gate), act(gate) * up; Liger's SwiGLU/GeGLU recomputes act(gate)
    return (3 if s.liger else 4) * arch.intermediate * s.act_bytes


def _lora(arch: Architecture, s: Setup) -> float:
    """LoRA's A output, plus a copy of each adapted layer's input when dropout or a dtype cast makes one."""
    if not s.peft:
        return 0
    a = s.act_bytes
    adapter = _adapter_bytes(s)
    if s.lora_dropout > 0:  # dropout output + mask (bool on CUDA, a scaled copy on CPU)
        copy = a + (1 if s.device == "cuda" else a)
    elif s.mixed_precision:  # peft casts the input to fp32 adapters, autocast back to a bf16 copy
        copy = 2 if adapter == 4 else 0
    else:
        copy = adapter if adapter != s.weight_bytes else 0
    return sum(lin.in_features * copy + s.lora_r * a for lin in adapted(arch, s, vision=False))


def _adapter_bytes(s: Setup) -> int:
    """TRL casts QLoRA adapters to bf16; peft keeps other adapters in fp32."""
    return 2 if s.quantization else 4


def adapted(arch: Architecture, s: Setup, vision: bool = True) -> list:
    """The Linear groups LoRA wraps: all-linear, or those whose name is listed."""
    linears = arch.linears() if vision else arch.text_linears()
    if s.lora_targets == ("all-linear",):
        return list(linears)
    return [lin for lin in linears if lin.name in s.lora_targets]


def _masks(arch: Architecture, s: Setup) -> float:
    """4D attention masks, built once per forward (Gemma: one full, one sliding-window); no layer keeps them
    for backward, but gradient checkpointing keeps every layer's inputs, masks included."""
    if not s.gradient_checkpointing or (s.attention != "eager" and not (s.padded and s.batch_size > 1)):
        return 0
    per = s.act_bytes if s.attention == "eager" else 1
    return s.batch_size * s.seq_len ** 2 * per * (2 if arch.sliding_window else 1)


def _autocast_over_fp32(s: Setup) -> bool:
    return s.mixed_precision and s.weight_bytes == 4


def _autocast_weight_copies(arch: Architecture, s: Setup) -> float:
    """Autocast keeps bf16 copies of fp32 linear weights for the backward pass."""
    return 2 * sum(lin.params for lin in arch.text_linears()) if _autocast_over_fp32(s) else 0
