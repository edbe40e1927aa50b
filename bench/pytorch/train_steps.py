#!/usr/bin/env python3
"""Training steps per second for the MLPs that veriflow-bench measures, with PyTorch on the CPU.

A step is: zero the gradients, forward pass, loss, backward pass, Adam update, on one batch.
Architectures (ReLU hidden layers, Adam lr 1e-3):
  mnist: 784-128-10, batch 64, softmax cross-entropy
  seed : 2-64-64-1,  batch 32, mean squared error

Usage:
  /usr/bin/python3 bench/pytorch/train_steps.py [--threads 1] [--dtype float32|float64]
                                               [--seconds 5] [--warmup-steps 200] [--model mnist|seed|all]
Prints one line per model: model, dtype, threads, steps/s.
"""
import argparse
import time

import torch
from torch import nn


def build(model):
    if model == "mnist":
        net = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
        return net, nn.CrossEntropyLoss(), 64, 784, "class", 10
    net = nn.Sequential(nn.Linear(2, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 1))
    return net, nn.MSELoss(), 32, 2, "value", 1


def measure(model, dtype, seconds, warmup_steps):
    torch.manual_seed(42)
    net, loss_fn, batch, inputs, kind, outputs = build(model)
    net = net.to(dtype)
    optimiser = torch.optim.Adam(net.parameters(), lr=1e-3)
    # A pool of batches so that every step sees different data, like the Java benchmark.
    pool = 16
    xs = [torch.randn(batch, inputs, dtype=dtype) for _ in range(pool)]
    if kind == "class":
        ys = [torch.randint(0, outputs, (batch,)) for _ in range(pool)]
    else:
        ys = [torch.randn(batch, 1, dtype=dtype) for _ in range(pool)]

    def step(i):
        optimiser.zero_grad(set_to_none=True)
        loss = loss_fn(net(xs[i % pool]), ys[i % pool])
        loss.backward()
        optimiser.step()
        return loss

    for i in range(warmup_steps):
        step(i)
    steps = 0
    start = time.perf_counter()
    deadline = start + seconds
    while True:
        for _ in range(50):
            step(steps)
            steps += 1
        now = time.perf_counter()
        if now >= deadline:
            break
    return steps / (now - start)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--dtype", choices=["float32", "float64"], default="float32")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--warmup-steps", type=int, default=200)
    parser.add_argument("--model", choices=["mnist", "seed", "all"], default="all")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    dtype = getattr(torch, args.dtype)
    models = ["mnist", "seed"] if args.model == "all" else [args.model]
    print(f"torch {torch.__version__}")
    for model in models:
        rate = measure(model, dtype, args.seconds, args.warmup_steps)
        print(f"{model:6s} {args.dtype:8s} threads={args.threads} steps/s={rate:.1f}")


if __name__ == "__main__":
    main()
