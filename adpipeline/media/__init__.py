"""Image, mask and video work: Pillow, numpy, OpenCV and the ffmpeg imageio-ffmpeg ships."""
