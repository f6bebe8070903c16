#!/usr/bin/python3
"""Generate the end-to-end test and benchmark models of xfc.

Every model is written in plain PyTorch, initialised from a fixed seed and
exported with torch.onnx.export with static shapes (or, for the `_dynamic`
models, with `dynamic_axes` and one data set per shape), in the ONNX
backend-test layout that `xfc-run --test-data-dir` and
`tools/ort/ort_run.js` read:

    OUT/<name>/model.onnx
    OUT/<name>/test_data_set_0/input_<i>.pb    (onnx.TensorProto)
    OUT/<name>/test_data_set_0/output_<i>.pb   (reference computed by PyTorch)

The models are small (they run in CI on two cores) except `bert_base`, the
benchmark model, which is only generated on request (`--only bert_base`).
The attention, layer norm and GELU are written out the way real model code
writes them, so that the exported graphs carry the decomposed patterns the
fusion passes must recognise (and, at opset 17, torch's native
LayerNormalization).

Use Debian's interpreter (/usr/bin/python3): it has torch, onnx and numpy.

    export_models.py --out DIR [--only a,b] [--skip-existing] [--list] [--list-ops]
"""

import argparse
import math
import os
import sys
import time
import warnings
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Tuple

import numpy as np
import onnx
import onnx.numpy_helper
import torch
import torch.nn as nn
import torch.nn.functional as F


# ---------------------------------------------------------------------------
# Initialisation shared by every model.
#
# PyTorch's defaults leave LayerNorm/BatchNorm as the identity (gamma=1,
# beta=0, mean=0, var=1), which would hide a swapped gamma/beta or a missing
# running statistic, and its Linear init shrinks activations so attention is
# almost uniform, which hides a mask or transpose error. So: variance-
# preserving Linear/Conv weights and perturbed normalisation parameters.
# ---------------------------------------------------------------------------

def init_weights(module: nn.Module) -> None:
    for m in module.modules():
        if isinstance(m, (nn.Linear, nn.Conv2d)):
            fan_in = m.weight[0].numel()
            nn.init.normal_(m.weight, std=1.0 / math.sqrt(fan_in))
            if m.bias is not None:
                nn.init.normal_(m.bias, std=0.02)
        elif isinstance(m, nn.Embedding):
            nn.init.normal_(m.weight, std=1.0)
        elif isinstance(m, (nn.LayerNorm, nn.BatchNorm2d)):
            nn.init.normal_(m.weight, mean=1.0, std=0.1)
            nn.init.normal_(m.bias, std=0.1)
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.normal_(std=0.1)
                m.running_var.uniform_(0.5, 1.5)


# ---------------------------------------------------------------------------
# BERT-style encoder (post-LN, as in the original BERT).
# ---------------------------------------------------------------------------

class BertSelfAttention(nn.Module):
    def __init__(self, hidden: int, heads: int):
        super().__init__()
        self.heads = heads
        self.head_dim = hidden // heads
        self.query = nn.Linear(hidden, hidden)
        self.key = nn.Linear(hidden, hidden)
        self.value = nn.Linear(hidden, hidden)
        self.out = nn.Linear(hidden, hidden)

    def split_heads(self, x: torch.Tensor) -> torch.Tensor:
        b, s, _ = x.shape
        return x.view(b, s, self.heads, self.head_dim).permute(0, 2, 1, 3)

    def forward(self, x: torch.Tensor, mask_bias: torch.Tensor) -> torch.Tensor:
        q = self.split_heads(self.query(x))
        k = self.split_heads(self.key(x))
        v = self.split_heads(self.value(x))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.head_dim)
        probs = torch.softmax(scores + mask_bias, dim=-1)
        ctx = torch.matmul(probs, v).permute(0, 2, 1, 3).contiguous()
        b, s = ctx.shape[0], ctx.shape[1]
        return self.out(ctx.view(b, s, self.heads * self.head_dim))


class BertLayer(nn.Module):
    def __init__(self, hidden: int, heads: int, intermediate: int):
        super().__init__()
        self.attn = BertSelfAttention(hidden, heads)
        self.ln1 = nn.LayerNorm(hidden, eps=1e-12)
        self.ffn_in = nn.Linear(hidden, intermediate)
        self.ffn_out = nn.Linear(intermediate, hidden)
        self.ln2 = nn.LayerNorm(hidden, eps=1e-12)
        self.act = nn.GELU()  # erf form, as BERT

    def forward(self, x: torch.Tensor, mask_bias: torch.Tensor) -> torch.Tensor:
        x = self.ln1(x + self.attn(x, mask_bias))
        return self.ln2(x + self.ffn_out(self.act(self.ffn_in(x))))


class Bert(nn.Module):
    """Outputs the last hidden state and BERT's tanh pooler on [CLS]."""

    def __init__(self, vocab: int, hidden: int, layers: int, heads: int,
                 intermediate: int, max_pos: int, seq: int):
        super().__init__()
        self.word_emb = nn.Embedding(vocab, hidden)
        self.pos_emb = nn.Embedding(max_pos, hidden)
        self.type_emb = nn.Embedding(2, hidden)
        self.emb_ln = nn.LayerNorm(hidden, eps=1e-12)
        self.layers = nn.ModuleList(
            BertLayer(hidden, heads, intermediate) for _ in range(layers))
        self.pooler = nn.Linear(hidden, hidden)
        # Buffers, as in HF BERT: the exporter folds their lookups to constants.
        self.register_buffer("position_ids", torch.arange(seq).unsqueeze(0))
        self.register_buffer("token_type_ids",
                             torch.zeros(1, seq, dtype=torch.long))

    def embed(self, input_ids: torch.Tensor) -> torch.Tensor:
        return (self.word_emb(input_ids) + self.pos_emb(self.position_ids)
                + self.type_emb(self.token_type_ids))

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor):
        x = self.emb_ln(self.embed(input_ids))
        # [B,S] int64 mask -> additive [B,1,1,S] bias (HF's -10000 convention).
        mask_bias = (1.0 - attention_mask[:, None, None, :].to(x.dtype)) * -10000.0
        for layer in self.layers:
            x = layer(x, mask_bias)
        pooled = torch.tanh(self.pooler(x[:, 0]))
        return x, pooled


class DynamicBert(Bert):
    """Bert for any batch and sequence length up to max_pos: the position
    and token-type buffers are sliced to the input's length, as in Hugging
    Face's BertEmbeddings, which exports a Shape -> Gather -> Slice chain."""

    def embed(self, input_ids: torch.Tensor) -> torch.Tensor:
        s = input_ids.shape[1]
        return (self.word_emb(input_ids) + self.pos_emb(self.position_ids[:, :s])
                + self.type_emb(self.token_type_ids[:, :s]))


# ---------------------------------------------------------------------------
# GPT-style causal decoder (pre-LN, fused qkv projection split in three,
# tanh GELU, tied LM head), after nanoGPT.
# ---------------------------------------------------------------------------

class CausalSelfAttention(nn.Module):
    def __init__(self, hidden: int, heads: int, seq: int):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(hidden, 3 * hidden)
        self.proj = nn.Linear(hidden, hidden)
        self.register_buffer(
            "causal", torch.tril(torch.ones(seq, seq)).view(1, 1, seq, seq))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, s, c = x.shape
        q, k, v = self.qkv(x).split(c, dim=2)
        q = q.view(b, s, self.heads, c // self.heads).transpose(1, 2)
        k = k.view(b, s, self.heads, c // self.heads).transpose(1, 2)
        v = v.view(b, s, self.heads, c // self.heads).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
        att = att.masked_fill(self.causal[:, :, :s, :s] == 0, float("-inf"))
        att = F.softmax(att, dim=-1)
        y = (att @ v).transpose(1, 2).contiguous().view(b, s, c)
        return self.proj(y)


class GptBlock(nn.Module):
    def __init__(self, hidden: int, heads: int, seq: int):
        super().__init__()
        self.ln1 = nn.LayerNorm(hidden)
        self.attn = CausalSelfAttention(hidden, heads, seq)
        self.ln2 = nn.LayerNorm(hidden)
        self.fc = nn.Linear(hidden, 4 * hidden)
        self.act = nn.GELU(approximate="tanh")
        self.fc_out = nn.Linear(4 * hidden, hidden)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.attn(self.ln1(x))
        return x + self.fc_out(self.act(self.fc(self.ln2(x))))


class Gpt(nn.Module):
    def __init__(self, vocab: int, hidden: int, layers: int, heads: int, seq: int):
        super().__init__()
        self.wte = nn.Embedding(vocab, hidden)
        self.wpe = nn.Embedding(seq, hidden)
        self.blocks = nn.ModuleList(GptBlock(hidden, heads, seq) for _ in range(layers))
        self.ln_f = nn.LayerNorm(hidden)
        self.lm_head = nn.Linear(hidden, vocab, bias=False)
        self.register_buffer("positions", torch.arange(seq).unsqueeze(0))

    def tie(self) -> None:
        # Tied after init_weights so the embedding keeps its N(0,1) init.
        self.lm_head.weight = self.wte.weight

    def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
        x = self.wte(input_ids) + self.wpe(self.positions)
        for block in self.blocks:
            x = block(x)
        # Scaled so that the logits of a tied N(0,1) head stay O(1).
        return self.lm_head(self.ln_f(x)) / math.sqrt(x.shape[-1])


# ---------------------------------------------------------------------------
# ViT (timm-style blocks: fused qkv reshaped and unbound, pre-LN, erf GELU).
# ---------------------------------------------------------------------------

class VitAttention(nn.Module):
    def __init__(self, dim: int, heads: int):
        super().__init__()
        self.heads = heads
        self.scale = (dim // heads) ** -0.5
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, n, c = x.shape
        qkv = self.qkv(x).reshape(b, n, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv.unbind(0)
        att = ((q * self.scale) @ k.transpose(-2, -1)).softmax(dim=-1)
        return self.proj((att @ v).transpose(1, 2).reshape(b, n, c))


class VitBlock(nn.Module):
    def __init__(self, dim: int, heads: int, mlp_ratio: int = 4):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.attn = VitAttention(dim, heads)
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.mlp = nn.Sequential(nn.Linear(dim, mlp_ratio * dim), nn.GELU(),
                                 nn.Linear(mlp_ratio * dim, dim))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class Vit(nn.Module):
    def __init__(self, image: int, patch: int, dim: int, depth: int, heads: int,
                 classes: int):
        super().__init__()
        self.patch_embed = nn.Conv2d(3, dim, kernel_size=patch, stride=patch)
        patches = (image // patch) ** 2
        self.cls_token = nn.Parameter(torch.randn(1, 1, dim) * 0.02)
        self.pos_embed = nn.Parameter(torch.randn(1, patches + 1, dim) * 0.02)
        self.blocks = nn.ModuleList(VitBlock(dim, heads) for _ in range(depth))
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        self.head = nn.Linear(dim, classes)

    def forward(self, pixel_values: torch.Tensor) -> torch.Tensor:
        x = self.patch_embed(pixel_values).flatten(2).transpose(1, 2)
        cls = self.cls_token.expand(x.shape[0], -1, -1)
        x = torch.cat((cls, x), dim=1) + self.pos_embed
        for block in self.blocks:
            x = block(x)
        return self.head(self.norm(x)[:, 0])


# ---------------------------------------------------------------------------
# ResNet (basic blocks, torchvision layout, sized for 32x32 images).
# ---------------------------------------------------------------------------

class BasicBlock(nn.Module):
    def __init__(self, cin: int, cout: int, stride: int):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.downsample = None
        if stride != 1 or cin != cout:
            self.downsample = nn.Sequential(
                nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        identity = x if self.downsample is None else self.downsample(x)
        y = F.relu(self.bn1(self.conv1(x)))
        return F.relu(self.bn2(self.conv2(y)) + identity)


class ResNet(nn.Module):
    def __init__(self, widths=(16, 32, 64), blocks=(2, 1, 1), classes: int = 10):
        super().__init__()
        self.stem = nn.Sequential(
            nn.Conv2d(3, widths[0], 3, 1, 1, bias=False), nn.BatchNorm2d(widths[0]),
            nn.ReLU(), nn.MaxPool2d(3, 2, 1))
        layers, cin = [], widths[0]
        for i, (w, n) in enumerate(zip(widths, blocks)):
            for j in range(n):
                layers.append(BasicBlock(cin, w, 2 if (i > 0 and j == 0) else 1))
                cin = w
        self.layers = nn.Sequential(*layers)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(cin, classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.pool(self.layers(self.stem(x)))
        return self.fc(torch.flatten(x, 1))


# ---------------------------------------------------------------------------
# Image decoder: the upsampling paths of segmentation and generative models,
# transposed convolutions and interpolation.
# ---------------------------------------------------------------------------

class Decoder(nn.Module):
    def __init__(self):
        super().__init__()
        # 8x8 -> 16x16, the common "kernel 4, stride 2, padding 1".
        self.up1 = nn.ConvTranspose2d(8, 12, 4, stride=2, padding=1)
        # 16x16 -> 32x32 with output_padding, in 4 groups.
        self.up2 = nn.ConvTranspose2d(12, 8, 3, stride=2, padding=1, output_padding=1,
                                      groups=4)
        # Stride and dilation together (kernel taps between the phases).
        self.up3 = nn.ConvTranspose2d(12, 4, 3, stride=3, padding=2, dilation=2, bias=False)
        # 1-D and 3-D.
        self.up1d = nn.ConvTranspose1d(8, 4, 5, stride=2, padding=2)
        self.up3d = nn.ConvTranspose3d(2, 3, 3, stride=(1, 2, 2), padding=1)

    def forward(self, x: torch.Tensor):
        y = F.relu(self.up1(x))
        a = self.up2(y)
        b = self.up3(y)
        c = self.up1d(x.flatten(2)[:, :, :16])
        d = self.up3d(x.reshape(1, 2, 4, 8, 8))
        # Interpolation of the 16x16 features.
        e = F.interpolate(y, scale_factor=2, mode="nearest")
        f = F.interpolate(y, size=(24, 20), mode="bilinear", align_corners=False)
        g = F.interpolate(y, size=(11, 13), mode="bilinear", align_corners=True)
        h = F.interpolate(y, size=(20, 24), mode="bicubic", align_corners=False)
        return a, b, c, d, e, f, g, h


def make_decoder():
    m = Decoder()
    for conv in m.modules():
        if isinstance(conv, (nn.ConvTranspose1d, nn.ConvTranspose2d, nn.ConvTranspose3d)):
            fan_in = conv.weight[0].numel()
            nn.init.normal_(conv.weight, std=1.0 / math.sqrt(fan_in))
            if conv.bias is not None:
                nn.init.normal_(conv.bias, std=0.1)
    return m
# Recurrent stack: what torch.onnx exports for nn.LSTM/GRU/RNN (weights as
# initializers in ONNX gate order, bidirectional layers, GRU with
# linear_before_reset = 1, a Relu RNN, given initial states).
# ---------------------------------------------------------------------------

class Recurrent(nn.Module):
    def __init__(self, features: int = 8, hidden: int = 16):
        super().__init__()
        self.lstm = nn.LSTM(features, hidden, num_layers=2, bidirectional=True,
                            batch_first=True)
        self.gru = nn.GRU(2 * hidden, 12, bidirectional=True)
        self.rnn = nn.RNN(24, 10, nonlinearity="relu")

    def forward(self, x: torch.Tensor, h0: torch.Tensor, c0: torch.Tensor):
        y, (h, c) = self.lstm(x, (h0, c0))
        z, hg = self.gru(y.transpose(0, 1))
        r, _ = self.rnn(z)
        return r, h, c, hg


def recurrent_inputs(rng: np.random.Generator):
    return [("x", rng.standard_normal((2, 7, 8)).astype(np.float32)),
            ("h0", (0.5 * rng.standard_normal((4, 2, 16))).astype(np.float32)),
            ("c0", (0.5 * rng.standard_normal((4, 2, 16))).astype(np.float32))]


# ---------------------------------------------------------------------------
# Registry.
# ---------------------------------------------------------------------------

@dataclass
class Spec:
    build: Callable[[], nn.Module]  # returns the initialised model
    # (name, array) pairs; generated from the model's own seeded generator.
    inputs: Callable[[np.random.Generator], List[Tuple[str, np.ndarray]]]
    outputs: List[str]
    opset: int
    default: bool = True
    note: str = ""
    # Exported with these dynamic axes ({input or output name: {axis: name}});
    # `data_sets` then lists the input generators of test_data_set_0, 1, ...
    # (the first one is the export's example input).
    dynamic_axes: Optional[Dict[str, Dict[int, str]]] = None
    data_sets: Optional[List[Callable[[np.random.Generator],
                                      List[Tuple[str, np.ndarray]]]]] = None


def token_inputs(vocab: int, seq: int, with_mask: bool, batch: int = 1):
    def make(rng: np.random.Generator):
        ids = rng.integers(0, vocab, size=(batch, seq), dtype=np.int64)
        feeds = [("input_ids", ids)]
        if with_mask:
            # A padded sequence: the last quarter is masked out, so a mask
            # applied on the wrong axis (or not at all) changes the output.
            mask = np.ones((batch, seq), dtype=np.int64)
            mask[:, seq - seq // 4:] = 0
            feeds.append(("attention_mask", mask))
        return feeds
    return make


def image_input(name: str, shape):
    def make(rng: np.random.Generator):
        return [(name, rng.standard_normal(shape).astype(np.float32))]
    return make


def initialised(model: nn.Module) -> nn.Module:
    init_weights(model)
    return model


def small_bert():
    return initialised(Bert(vocab=100, hidden=64, layers=2, heads=4, intermediate=256,
                            max_pos=64, seq=16))


def small_dynamic_bert():
    return initialised(DynamicBert(vocab=100, hidden=64, layers=2, heads=4,
                                   intermediate=256, max_pos=64, seq=64))


BERT_DYNAMIC_AXES = {"input_ids": {0: "batch", 1: "seq"},
                     "attention_mask": {0: "batch", 1: "seq"},
                     "last_hidden_state": {0: "batch", 1: "seq"},
                     "pooler_output": {0: "batch"}}


def make_gpt():
    m = Gpt(vocab=100, hidden=64, layers=2, heads=4, seq=16)
    init_weights(m)
    m.tie()
    return m


MODELS: Dict[str, Spec] = {
    "bert_op13": Spec(small_bert, token_inputs(100, 16, True),
                      ["last_hidden_state", "pooler_output"], 13,
                      note="decomposed LayerNorm"),
    "bert_op17": Spec(small_bert, token_inputs(100, 16, True),
                      ["last_hidden_state", "pooler_output"], 17,
                      note="native LayerNormalization"),
    "bert_dynamic": Spec(small_dynamic_bert, token_inputs(100, 16, True),
                         ["last_hidden_state", "pooler_output"], 17,
                         note="dynamic batch and sequence, run at 1x16 and 2x40",
                         dynamic_axes=BERT_DYNAMIC_AXES,
                         data_sets=[token_inputs(100, 16, True),
                                    token_inputs(100, 40, True, batch=2)]),
    "gpt": Spec(make_gpt, token_inputs(100, 16, False), ["logits"], 14,
                note="causal pre-LN decoder, tanh GELU, tied head"),
    "vit": Spec(lambda: initialised(Vit(image=32, patch=8, dim=64, depth=2, heads=4,
                                        classes=10)),
                image_input("pixel_values", (1, 3, 32, 32)), ["logits"], 17,
                note="patch 8 on 32x32, cls token"),
    "resnet": Spec(lambda: initialised(ResNet()), image_input("input", (1, 3, 32, 32)),
                   ["logits"], 13, note="BatchNorm folded into Conv at export"),
    "decoder": Spec(make_decoder, image_input("features", (1, 8, 8, 8)),
                    ["up2", "up3", "up1d", "up3d", "nearest", "bilinear",
                     "bilinear_corners", "bicubic"], 13,
                    note="ConvTranspose 1-3D, Resize nearest/linear/cubic"),
    "recurrent": Spec(Recurrent, recurrent_inputs, ["y", "h_n", "c_n", "gru_h"], 14,
                      note="2-layer bidirectional LSTM, GRU, Relu RNN"),
    "bert_base": Spec(
        lambda: initialised(Bert(vocab=30522, hidden=768, layers=12, heads=12,
                                 intermediate=3072, max_pos=512, seq=128)),
        token_inputs(30522, 128, True), ["last_hidden_state", "pooler_output"], 17,
        default=False, note="benchmark model, ~440 MB"),
}


def seed_for(name: str) -> int:
    # Stable across runs and Python versions (hash() is salted).
    return sum((i + 1) * ord(c) for i, c in enumerate(name))


def write_tensor(path: str, array: np.ndarray, name: str) -> None:
    with open(path, "wb") as f:
        f.write(onnx.numpy_helper.from_array(array, name).SerializeToString())


def export(name: str, out_dir: str) -> float:
    spec = MODELS[name]
    start = time.perf_counter()
    seed = seed_for(name)
    torch.manual_seed(seed)
    model = spec.build()
    model.eval()
    rng = np.random.default_rng(seed)
    data_sets = [make(rng) for make in spec.data_sets] if spec.data_sets \
        else [spec.inputs(rng)]
    feeds = data_sets[0]
    args = tuple(torch.from_numpy(a) for _, a in feeds)

    model_dir = os.path.join(out_dir, name)
    os.makedirs(model_dir, exist_ok=True)
    model_path = os.path.join(model_dir, "model.onnx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, args, model_path, opset_version=spec.opset,
                          input_names=[n for n, _ in feeds], output_names=spec.outputs,
                          dynamic_axes=spec.dynamic_axes,
                          do_constant_folding=True,
                          training=torch.onnx.TrainingMode.EVAL)
    # Check by path: works for any size and catches exporter mistakes early.
    onnx.checker.check_model(model_path)

    for k, data in enumerate(data_sets):
        with torch.no_grad():
            ref = model(*(torch.from_numpy(a) for _, a in data))
        if isinstance(ref, torch.Tensor):
            ref = (ref,)
        data_dir = os.path.join(model_dir, f"test_data_set_{k}")
        os.makedirs(data_dir, exist_ok=True)
        for i, (n, a) in enumerate(data):
            write_tensor(os.path.join(data_dir, f"input_{i}.pb"), a, n)
        for i, (n, t) in enumerate(zip(spec.outputs, ref)):
            write_tensor(os.path.join(data_dir, f"output_{i}.pb"), t.numpy(), n)
    return time.perf_counter() - start


def describe(model_path: str) -> List[str]:
    """Interface and the (op_type, since_version) set the importer must handle."""
    # Structure only: skip the weights, which for bert_base are 440 MB.
    model = onnx.load(model_path, load_external_data=False)
    opsets = {imp.domain or "ai.onnx": imp.version for imp in model.opset_import}
    lines = ["  opset_import: " + ", ".join(f"{d} {v}" for d, v in sorted(opsets.items()))]
    dtype = {v: k for k, v in onnx.TensorProto.DataType.items()}
    inits = {i.name for i in model.graph.initializer}
    for kind, values in (("input", model.graph.input), ("output", model.graph.output)):
        for v in values:
            if v.name in inits:
                continue
            t = v.type.tensor_type
            dims = [d.dim_value if d.HasField("dim_value") else d.dim_param
                    for d in t.shape.dim]
            lines.append(f"  {kind} {v.name}: {dtype[t.elem_type].lower()} {dims}")
    counts: Dict[Tuple[str, str], int] = {}
    for node in model.graph.node:
        key = (node.domain or "ai.onnx", node.op_type)
        counts[key] = counts.get(key, 0) + 1
    for (domain, op), n in sorted(counts.items(), key=lambda kv: kv[0][1]):
        version = opsets.get(domain, 0)
        try:
            since = onnx.defs.get_schema(op, version, "" if domain == "ai.onnx" else domain
                                         ).since_version
        except Exception:  # a custom domain: no schema to ask
            since = "?"
        lines.append(f"  op {op:<20} opset {version}  since {since}  x{n}")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", help="output directory")
    parser.add_argument("--only", help="comma-separated model names "
                        "(default: every model except bert_base)")
    parser.add_argument("--list", action="store_true", help="list the models and exit")
    parser.add_argument("--list-ops", action="store_true",
                        help="print each model's inputs, outputs and (op_type, opset) set")
    parser.add_argument("--skip-existing", action="store_true",
                        help="do not re-export a model whose model.onnx exists")
    args = parser.parse_args()

    if args.list:
        for name, spec in MODELS.items():
            tag = "" if spec.default else "  (only with --only)"
            print(f"{name:<10} opset {spec.opset:<3} {spec.note}{tag}")
        return 0
    if not args.out:
        parser.error("--out is required")

    names = ([n for n in args.only.split(",") if n] if args.only
             else [n for n, s in MODELS.items() if s.default])
    unknown = [n for n in names if n not in MODELS]
    if unknown:
        parser.error(f"unknown model(s): {', '.join(unknown)}; known: {', '.join(MODELS)}")

    # Exports are single-model and small; extra threads only add noise.
    torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))
    for name in names:
        model_path = os.path.join(args.out, name, "model.onnx")
        if args.skip_existing and os.path.exists(model_path):
            print(f"{name}: exists, skipped", flush=True)
        else:
            seconds = export(name, args.out)
            size = os.path.getsize(model_path) / 2**20
            print(f"{name}: exported {model_path} ({size:.1f} MiB) in {seconds:.1f} s",
                  flush=True)
        if args.list_ops:
            print("\n".join(describe(model_path)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
