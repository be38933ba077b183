"""Train RefineDet.

  cd tools && /usr/bin/python3 -m refinedet.train --help

Checkpoints (last.pt, plus a copy every --save-every iterations) go to --out; rerunning the same command
resumes from last.pt. The progress line shows loss, throughput and ETA on stderr.
"""
import argparse
import json
import math
import os
import sys
import time

import torch
from torch.utils.data import DataLoader

from . import synthetic
from .data import SyntheticStream, collate, load_coco, load_voc
from .loss import RefineDetLoss
from .model import RefineDet
from .priors import PRIOR_CONFIGS, prior_boxes


def build_parser():
    p = argparse.ArgumentParser(
        prog="python3 -m refinedet.train",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
        description="Train a RefineDet detector. Rerun the same command to resume after an interruption.",
        epilog="Examples:\n"
               "  CPU, synthetic shapes (the shipped model):\n"
               "    python3 -m refinedet.train --preset lite-320 --out refinedet/runs/lite\n"
               "  GPU, your own VOC dataset:\n"
               "    python3 -m refinedet.train --preset vgg-320 --data voc:/data/VOC2007 --device cuda \\\n"
               "        --batch-size 32 --iterations 120000 --lr 1e-3 --optimizer sgd --out runs/voc\n"
               "Then export: python3 -m refinedet.export runs/lite/last.pt --out ../models")
    p.add_argument("--preset", default="lite-320", choices=sorted(PRIOR_CONFIGS),
                   help="network and input size")
    p.add_argument("--data", default="synthetic",
                   help="'synthetic' (scenes generated on the fly), 'voc:PATH' (VOC folder with Annotations/ "
                        "and JPEGImages/) or 'coco:PATH/annotations.json'")
    p.add_argument("--coco-images", help="image folder for coco: data when not beside the JSON")
    p.add_argument("--device", default="cpu", help="cpu, cuda or cuda:N")
    p.add_argument("--out", default="refinedet/runs/default", help="checkpoint and log folder")
    p.add_argument("--iterations", type=int, default=8000, help="total optimizer steps")
    p.add_argument("--time-budget", type=float, default=0,
                   help="minutes of training; when set, the learning-rate schedule follows elapsed time "
                        "(whichever of time or iterations runs out first ends the run) so that a run on a "
                        "busy shared machine still finishes its schedule on time")
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--lr", type=float, default=2e-3, help="peak learning rate")
    p.add_argument("--optimizer", default="adamw", choices=["adamw", "sgd"],
                   help="adamw converges fastest for short CPU runs; sgd (momentum 0.9) is the paper's")
    p.add_argument("--weight-decay", type=float, default=5e-4)
    p.add_argument("--warmup", type=int, default=300, help="linear warm-up steps, then cosine decay")
    p.add_argument("--workers", type=int, default=1, help="data loader processes")
    p.add_argument("--threads", type=int, default=2, help="torch CPU threads")
    p.add_argument("--seed", type=int, default=1, help="base seed of the synthetic training scenes")
    p.add_argument("--save-every", type=int, default=500, help="checkpoint interval (iterations)")
    p.add_argument("--eval-video", help="mp4 with .gt.jsonl to report mAP on while training")
    p.add_argument("--eval-every", type=int, default=1000, help="evaluation interval (iterations)")
    p.add_argument("--eval-frames", type=int, default=100, help="frames of --eval-video to use")
    p.add_argument("--log-every", type=int, default=20, help="progress line interval when not a terminal")
    return p


def build_dataset(args, size, start):
    if args.data == "synthetic":
        return SyntheticStream(size, base_seed=args.seed, start=start), synthetic.LABELS
    kind, _, path = args.data.partition(":")
    if kind == "voc":
        ds = load_voc(path, size)
    elif kind == "coco":
        ds = load_coco(path, size, args.coco_images)
    else:
        raise SystemExit(f"--data: expected synthetic, voc:PATH or coco:PATH, got {args.data!r}")
    if len(ds) == 0:
        raise SystemExit(f"--data {args.data}: no images found")
    return ds, ds.labels


def load_model(path, device="cpu"):
    """Rebuild a network from a checkpoint. Returns (net, priors, prior config, labels)."""
    ck = torch.load(path, map_location="cpu")
    net = RefineDet(ck["preset"], len(ck["labels"]))
    net.load_state_dict(ck["model"])
    net.to(device).eval()
    cfg = PRIOR_CONFIGS[ck["preset"]]
    return net, prior_boxes(cfg).to(device), cfg, ck["labels"]


def fmt_time(s):
    s = int(s)
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"


def main(argv=None):
    args = build_parser().parse_args(argv)
    torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    os.makedirs(args.out, exist_ok=True)
    cfg = PRIOR_CONFIGS[args.preset]
    ck_path = os.path.join(args.out, "last.pt")
    ck = torch.load(ck_path, map_location="cpu") if os.path.exists(ck_path) else None
    start = ck["iteration"] if ck else 0
    trained0 = ck.get("trained_s", 0.0) if ck else 0.0  # training wall time before this process

    dataset, labels = build_dataset(args, cfg["size"], start * args.batch_size)
    net = RefineDet(args.preset, len(labels)).to(device)
    priors = prior_boxes(cfg).to(device)
    criterion = RefineDetLoss(priors, len(labels), tuple(cfg["variance"])).to(device)
    if args.optimizer == "adamw":
        opt = torch.optim.AdamW(net.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    else:
        opt = torch.optim.SGD(net.parameters(), lr=args.lr, momentum=0.9, weight_decay=args.weight_decay)

    budget_s = args.time_budget * 60

    def progress(it, trained_s):
        p = it / args.iterations
        return max(p, trained_s / budget_s) if budget_s else p

    def lr_at(it, trained_s):
        if it < args.warmup:
            return args.lr * (0.1 + 0.9 * it / args.warmup)
        t = progress(it, trained_s)
        return args.lr * (0.02 + 0.98 * 0.5 * (1 + math.cos(math.pi * min(t, 1.0))))

    if ck:
        if ck["preset"] != args.preset or ck["labels"] != labels:
            raise SystemExit(f"{ck_path} was trained with another preset or label set; use a new --out")
        net.load_state_dict(ck["model"])
        opt.load_state_dict(ck["optimizer"])
        print(f"resuming from {ck_path} at iteration {start}", file=sys.stderr)
    with open(os.path.join(args.out, "args.json"), "w") as f:
        json.dump(vars(args), f, indent=1)

    eval_set = None
    if args.eval_video:
        from .evaluate import read_video
        every = max(1, sum(1 for _ in open(os.path.splitext(args.eval_video)[0] + ".gt.jsonl")) // args.eval_frames)
        eval_set = read_video(args.eval_video, every=every, limit=args.eval_frames)

    is_map = not isinstance(dataset, torch.utils.data.IterableDataset)
    loader = DataLoader(dataset, batch_size=args.batch_size, shuffle=is_map, drop_last=is_map,
                        num_workers=args.workers, collate_fn=collate, persistent_workers=args.workers > 0,
                        pin_memory=device.type == "cuda")

    def save(it, name="last.pt"):
        tmp = os.path.join(args.out, name + ".tmp")
        torch.save({"model": net.state_dict(), "optimizer": opt.state_dict(), "iteration": it,
                    "trained_s": trained0 + time.time() - t0,
                    "preset": args.preset, "labels": labels, "args": vars(args)}, tmp)
        os.replace(tmp, os.path.join(args.out, name))  # atomic: a kill never leaves a torn checkpoint

    tty = sys.stderr.isatty()
    it = start
    t0 = time.time()
    seen0 = it
    avg = None
    net.train()
    done = lambda: progress(it, trained0 + time.time() - t0) >= 1.0
    while not done():
        for images, targets in loader:
            if done():
                break
            lr = lr_at(it, trained0 + time.time() - t0)
            for g in opt.param_groups:
                g["lr"] = lr
            images = images.to(device, non_blocking=True)
            losses = criterion(net(images), targets)
            loss = sum(losses.values())
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(net.parameters(), 10.0)
            opt.step()
            it += 1
            vals = {k: float(v) for k, v in losses.items()}
            vals["total"] = float(loss)
            avg = vals if avg is None else {k: 0.95 * avg[k] + 0.05 * vals[k] for k in vals}
            el = time.time() - t0
            ips = (it - seen0) * args.batch_size / max(el, 1e-6)
            frac = min(progress(it, trained0 + el), 1.0)
            eta = (args.iterations - it) * args.batch_size / max(ips, 1e-6)
            if budget_s:
                eta = min(eta, max(0.0, budget_s - trained0 - el))
            final = frac >= 1.0
            if tty or it % args.log_every == 0 or final:
                pct = 100.0 * frac
                tot = args.iterations if not budget_s else "~" + str(int(it / max(frac, 1e-9)))
                line = (f"[{it:6d}/{tot}] {pct:5.1f}% loss {avg['total']:.3f} "
                        f"(arm {avg['arm_conf']:.3f}/{avg['arm_loc']:.3f} odm {avg['odm_conf']:.3f}/"
                        f"{avg['odm_loc']:.3f}) lr {lr:.2e} {ips:5.1f} img/s "
                        f"elapsed {fmt_time(el)} ETA {fmt_time(eta)}")
                print(("\r" + line) if tty else line, end="" if tty else "\n", file=sys.stderr, flush=True)
            if it % args.save_every == 0 or final:
                save(it)
            if eval_set and (it % args.eval_every == 0 or final):
                from .evaluate import detect, evaluate
                te = time.time()
                dets = detect(net, priors.cpu() if device.type == "cpu" else priors, eval_set[0], cfg["size"])
                r = evaluate(dets, eval_set[1], len(labels))
                print(f"\n[eval {it}] mAP50 {r['mAP50']:.4f} AP {r['AP']:.4f} per-class "
                      f"{[round(v, 3) for v in r['per_class_AP50'][1:]]} ({time.time() - te:.0f}s)",
                      file=sys.stderr, flush=True)
                with open(os.path.join(args.out, "eval.jsonl"), "a") as f:
                    f.write(json.dumps({"iteration": it, "elapsed_s": round(el), **r}) + "\n")
                net.train()
                t0 += time.time() - te  # keep the throughput/ETA figures about training only
    if tty:
        print(file=sys.stderr)
    save(it)
    print(f"done: {it} iterations, {fmt_time(trained0 + time.time() - t0)} of training; checkpoint {ck_path}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
