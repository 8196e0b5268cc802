"""Notebook 06, part 2: what a trained CNN looks at (saliency, SmoothGrad, Grad-CAM, occlusion, FGSM)."""
