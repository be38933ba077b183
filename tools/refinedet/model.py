"""RefineDet (Zhang et al., CVPR 2018): ARM -> TCB -> ODM on four source layers (strides 8/16/32/64).

Presets:
  vgg-320 / vgg-512 : the paper's VGG16 backbone (L2Norm on conv4_3 and conv5_3, dilated fc6/fc7,
                      one extra stage conv6_1/conv6_2), TCB width 256.
  lite-320          : same ARM/TCB/ODM structure and strides on a narrow VGG-like backbone with
                      BatchNorm (folded into the convolutions at export), TCB width 64: 0.67 GMAC at
                      320x320, so that several cameras fit on two CPU cores.

forward() returns logits; export.py wraps the model with the softmax the ONNX contract asks for.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

from .priors import PRIOR_CONFIGS, anchors_per_location


class L2Norm(nn.Module):
    """Channel-wise L2 normalization with a learned per-channel scale (ParseNet), used on VGG's
    conv4_3/conv5_3 because their activations are much larger than those of deeper layers."""

    def __init__(self, channels, scale):
        super().__init__()
        self.weight = nn.Parameter(torch.full((channels,), float(scale)))

    def forward(self, x):
        norm = x.pow(2).sum(dim=1, keepdim=True).sqrt() + 1e-10
        return x / norm * self.weight.view(1, -1, 1, 1)


class VGGBackbone(nn.Module):
    def __init__(self):
        super().__init__()

        def block(cin, cout, n):
            layers = []
            for i in range(n):
                layers += [nn.Conv2d(cin if i == 0 else cout, cout, 3, padding=1), nn.ReLU(inplace=True)]
            return layers

        pool = lambda: nn.MaxPool2d(2, 2, ceil_mode=True)
        self.to_conv4_3 = nn.Sequential(*block(3, 64, 2), pool(), *block(64, 128, 2), pool(),
                                        *block(128, 256, 3), pool(), *block(256, 512, 3))  # stride 8
        self.to_conv5_3 = nn.Sequential(pool(), *block(512, 512, 3))  # stride 16
        self.to_fc7 = nn.Sequential(pool(),  # stride 32
                                    nn.Conv2d(512, 1024, 3, padding=3, dilation=3), nn.ReLU(inplace=True),
                                    nn.Conv2d(1024, 1024, 1), nn.ReLU(inplace=True))
        self.extra = nn.Sequential(nn.Conv2d(1024, 256, 1), nn.ReLU(inplace=True),
                                   nn.Conv2d(256, 512, 3, stride=2, padding=1), nn.ReLU(inplace=True))  # 64
        self.norm4_3 = L2Norm(512, 10)
        self.norm5_3 = L2Norm(512, 8)
        self.channels = [512, 512, 1024, 512]

    def forward(self, x):
        c4 = self.to_conv4_3(x)
        c5 = self.to_conv5_3(c4)
        f7 = self.to_fc7(c5)
        c6 = self.extra(f7)
        return [self.norm4_3(c4), self.norm5_3(c5), f7, c6]


def conv_bn(cin, cout, k=3, stride=1):
    return nn.Sequential(nn.Conv2d(cin, cout, k, stride, k // 2, bias=False), nn.BatchNorm2d(cout),
                         nn.ReLU(inplace=True))


class LiteBackbone(nn.Module):
    """Narrow VGG-like backbone (3x3 conv + BatchNorm + ReLU) with sources at strides 8/16/32/64.

    Dense 3x3 convolutions rather than depthwise-separable ones: measured on the 2-core build machine,
    torch trains this (0.67 GMAC with heads) ~1.5x faster than a separable net of 0.5 GMAC, and ONNX
    Runtime's CPU convolutions are equally happy with it. BatchNorm folds into the convs at export.
    """

    def __init__(self):
        super().__init__()
        self.stage8 = nn.Sequential(conv_bn(3, 16, 3, 2), conv_bn(16, 32, 3, 2), conv_bn(32, 32),
                                    conv_bn(32, 64, 3, 2), conv_bn(64, 64))
        self.stage16 = nn.Sequential(conv_bn(64, 128, 3, 2), conv_bn(128, 128))
        self.stage32 = nn.Sequential(conv_bn(128, 192, 3, 2), conv_bn(192, 192))
        self.stage64 = nn.Sequential(conv_bn(192, 96, 1), conv_bn(96, 192, 3, 2))
        self.channels = [64, 128, 192, 192]

    def forward(self, x):
        s8 = self.stage8(x)
        s16 = self.stage16(s8)
        s32 = self.stage32(s16)
        s64 = self.stage64(s32)
        return [s8, s16, s32, s64]


class TCB(nn.Module):
    """Transfer connection block: lateral conv3x3-relu-conv3x3, plus the 2x deconvolved output of the TCB
    above (absent on the top level), element-wise sum, then relu-conv3x3-relu."""

    def __init__(self, cin, width, has_upper):
        super().__init__()
        self.lateral = nn.Sequential(nn.Conv2d(cin, width, 3, padding=1), nn.ReLU(inplace=True),
                                     nn.Conv2d(width, width, 3, padding=1))
        self.post = nn.Sequential(nn.ReLU(inplace=True), nn.Conv2d(width, width, 3, padding=1),
                                  nn.ReLU(inplace=True))
        self.up = nn.ConvTranspose2d(width, width, 2, stride=2) if has_upper else None

    def forward(self, x, upper=None):
        y = self.lateral(x)
        if self.up is not None:
            y = y + self.up(upper)
        return self.post(y)


def _flatten_head(t, k):
    # [B, A*k, H, W] -> [B, H, W, A*k] -> [B, H*W*A, k]: anchor index ((i*W + j)*A + a) per layer.
    return t.permute(0, 2, 3, 1).reshape(t.shape[0], -1, k)


class RefineDet(nn.Module):
    def __init__(self, preset="lite-320", num_classes=7):
        super().__init__()
        if preset not in PRIOR_CONFIGS:
            raise ValueError(f"unknown preset {preset!r}; choose from {sorted(PRIOR_CONFIGS)}")
        self.preset = preset
        self.num_classes = num_classes
        self.cfg = PRIOR_CONFIGS[preset]
        lite = preset.startswith("lite")
        self.backbone = LiteBackbone() if lite else VGGBackbone()
        width = 64 if lite else 256
        chans = self.backbone.channels
        anchors = [anchors_per_location(self.cfg, k) for k in range(len(chans))]
        self.arm_loc = nn.ModuleList(nn.Conv2d(c, a * 4, 3, padding=1) for c, a in zip(chans, anchors))
        self.arm_conf = nn.ModuleList(nn.Conv2d(c, a * 2, 3, padding=1) for c, a in zip(chans, anchors))
        n = len(chans)
        self.tcb = nn.ModuleList(TCB(c, width, has_upper=(k < n - 1)) for k, c in enumerate(chans))
        self.odm_loc = nn.ModuleList(nn.Conv2d(width, a * 4, 3, padding=1) for a in anchors)
        self.odm_conf = nn.ModuleList(nn.Conv2d(width, a * num_classes, 3, padding=1) for a in anchors)
        self._init_weights()

    def _init_weights(self):
        for m in self.modules():
            if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
        # Heads start small and with a background prior so the first iterations are not dominated by
        # the thousands of easy negatives.
        for heads in (self.arm_loc, self.arm_conf, self.odm_loc, self.odm_conf):
            for m in heads:
                nn.init.normal_(m.weight, std=0.01)
                nn.init.zeros_(m.bias)

    def forward(self, x):
        sources = self.backbone(x)
        arm_loc = torch.cat([_flatten_head(h(s), 4) for h, s in zip(self.arm_loc, sources)], 1)
        arm_conf = torch.cat([_flatten_head(h(s), 2) for h, s in zip(self.arm_conf, sources)], 1)
        tcb_out = [None] * len(sources)
        upper = None
        for k in reversed(range(len(sources))):
            upper = self.tcb[k](sources[k], upper)
            tcb_out[k] = upper
        odm_loc = torch.cat([_flatten_head(h(t), 4) for h, t in zip(self.odm_loc, tcb_out)], 1)
        odm_conf = torch.cat([_flatten_head(h(t), self.num_classes) for h, t in zip(self.odm_conf, tcb_out)], 1)
        return arm_loc, arm_conf, odm_loc, odm_conf


class SoftmaxOutputs(nn.Module):
    """What gets exported: the network with softmax on both confidence outputs (va.output.scores)."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        arm_loc, arm_conf, odm_loc, odm_conf = self.net(x)
        return arm_loc, F.softmax(arm_conf, dim=-1), odm_loc, F.softmax(odm_conf, dim=-1)


def count_macs(net, size):
    """Multiply-accumulates of conv layers for one image, via forward hooks (for the README figures)."""
    total = [0]

    def hook(m, inp, out):
        if isinstance(m, nn.Conv2d):
            total[0] += out.numel() // out.shape[0] * (m.in_channels // m.groups) * m.kernel_size[0] * m.kernel_size[1]
        elif isinstance(m, nn.ConvTranspose2d):
            total[0] += inp[0].numel() // inp[0].shape[0] * m.out_channels * m.kernel_size[0] * m.kernel_size[1]

    hs = [m.register_forward_hook(hook) for m in net.modules() if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d))]
    with torch.no_grad():
        net.eval()
        net(torch.zeros(1, 3, size, size))
    for h in hs:
        h.remove()
    return total[0]
