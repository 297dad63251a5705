// The video panel: the MP4 in a <video> with its poster and subtitles (WebVTT made in
// Python from the .srt), its duration and size, and a download link. The MP4 is pulled
// from Python in 1 MiB pieces (see adpipeline/ui/video.py for why) and played from an
// object URL; nothing is loaded from the network.

import { h, connect, errorBanner, offlineGuard } from "./_shared.js";

function megabytes(bytes) {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

function render({ model, el }) {
  const python = connect(model);
  const banner = errorBanner(model, python);
  const video = h("video", { class: "adp-player", controls: true, preload: "auto",
    playsinline: true, "aria-label": "The rendered ad" });
  const info = h("p", { class: "adp-video-info" });
  const status = h("p", { class: "adp-video-status", role: "status" });
  const download = h("a", { class: "adp-button adp-download", text: "Download MP4",
    "aria-label": "Download MP4 of the rendered ad" });
  const empty = h("p", { class: "adp-empty" });
  const player = h("div", { class: "adp-video-player" }, [video,
    h("div", { class: "adp-video-bar" }, [info, download]), status]);
  const root = h("section", { class: "adp adp-video", "data-lm-suppress-shortcuts": "true" },
    [empty, player, banner.node]);
  el.append(root);
  const unguard = offlineGuard(model, root); // no kernel: its buttons wait

  let videoUrl = null;
  let posterUrl = null;
  let trackUrl = null;
  let loading = null; // key being fetched

  function swap(old, blob) {
    if (old) URL.revokeObjectURL(old);
    return blob ? URL.createObjectURL(blob) : null;
  }

  // The MP4 comes in pieces (one comm message each), asked for one after another.
  async function fetchVideo(key) {
    const size = model.get("video_size");
    const step = model.get("chunk_bytes");
    const total = Math.max(1, Math.ceil(size / step));
    const parts = [];
    loading = key;
    for (let index = 0; index < total; index++) {
      status.textContent = `Loading the video: ${megabytes(index * step)} of ${megabytes(size)} ...`;
      const reply = await python.send("chunk", { key, index });
      if (loading !== key) return; // a newer video replaced this one
      if (!reply.ok) {
        status.textContent = "";
        return;
      }
      parts.push(reply.buffers[0]);
    }
    loading = null;
    videoUrl = swap(videoUrl, new Blob(parts, { type: "video/mp4" }));
    video.src = videoUrl;
    download.href = videoUrl;
    download.setAttribute("download", (model.get("info") || {}).filename || "ad.mp4");
    status.textContent = "";
  }

  function drawMedia() {
    const poster = model.get("poster");
    posterUrl = swap(posterUrl, poster && poster.byteLength
      ? new Blob([poster], { type: "image/png" }) : null);
    if (posterUrl) video.poster = posterUrl; else video.removeAttribute("poster");
    const vtt = model.get("subtitles");
    trackUrl = swap(trackUrl, vtt ? new Blob([vtt], { type: "text/vtt" }) : null);
    for (const old of video.querySelectorAll("track")) old.remove();
    if (trackUrl) {
      // Not `default`: the offline renderer already burns the lines into the picture, so
      // the track is offered in the player's captions menu rather than shown twice.
      video.append(h("track", { kind: "subtitles", srclang: "en", label: "Subtitles",
        src: trackUrl }));
    }
  }

  function drawInfo() {
    const key = model.get("video_key");
    const meta = model.get("info") || {};
    if (meta.width > 0 && meta.height > 0) {
      player.style.setProperty("--adp-video-ratio", String(meta.height / meta.width));
    }
    player.hidden = !key;
    empty.hidden = Boolean(key);
    empty.textContent = model.get("busy") ? "Rendering the video ..." : "No video yet.";
    info.textContent = key
      ? `${Number(meta.duration_s).toFixed(1)} s · ${meta.width} × ${meta.height} · ${meta.fps} fps · ${megabytes(meta.size)}` +
        (meta.sound ? ` · ${meta.sound}` : "")
      : "";
    video.setAttribute("aria-label", `The rendered ad, ${Number(meta.duration_s || 0).toFixed(1)} seconds`);
  }

  function onKey() {
    drawInfo();
    const key = model.get("video_key");
    if (!key) {
      loading = null;
      video.removeAttribute("src");
      download.removeAttribute("href");
      return;
    }
    fetchVideo(key);
  }

  model.on("change:video_key", onKey);
  model.on("change:info", drawInfo);
  model.on("change:busy", drawInfo);
  model.on("change:poster", drawMedia);
  model.on("change:subtitles", drawMedia);
  drawMedia();
  onKey();
  return () => {
    model.off("change:video_key", onKey);
    model.off("change:info", drawInfo);
    model.off("change:busy", drawInfo);
    model.off("change:poster", drawMedia);
    model.off("change:subtitles", drawMedia);
    loading = null;
    video.pause();
    for (const url of [videoUrl, posterUrl, trackUrl]) if (url) URL.revokeObjectURL(url);
    banner.dispose();
    unguard();
    python.close();
  };
}

export default {
  initialize() {
    return () => {};
  },
  render,
};
