"""Looks for older readers: large type, a local Vietnamese font, a high-contrast switch, phone-sized screens.

The kit is offline: no Google Fonts. Be Vietnam Pro comes from the installed ``fontpkg_be_vietnam_pro``
package, served by the service itself under ``/hocai-static/fonts/``.
"""

from __future__ import annotations

import json
from pathlib import Path

STATIC_PREFIX = "/hocai-static"
FONT_FILES = {400: "BeVietnamPro-Regular.ttf", 600: "BeVietnamPro-SemiBold.ttf", 700: "BeVietnamPro-Bold.ttf"}
CONTRAST_CLASS = "hocai-contrast"


def font_dir() -> Path | None:
    """The folder holding Be Vietnam Pro's .ttf files, or None (system fonts are used then)."""
    try:
        import fontpkg_be_vietnam_pro
    except ImportError:
        return None
    folder = Path(fontpkg_be_vietnam_pro.__file__).parent / "files"
    return folder if (folder / FONT_FILES[400]).is_file() else None


def font_face_css(base: str = STATIC_PREFIX + "/fonts/") -> str:
    """@font-face rules; ``base`` is relative in the Gradio page so it also works under a hub prefix."""
    if font_dir() is None:
        return ""
    return "".join(
        f'@font-face{{font-family:"Be Vietnam Pro";font-style:normal;font-weight:{weight};font-display:swap;'
        f'src:url("{base}{name}") format("truetype");}}'
        for weight, name in FONT_FILES.items()
    )


def theme():
    """A Gradio theme with local fonts only and large type (base 19 px)."""
    import gradio as gr

    sizes = gr.themes.Size(xxs="14px", xs="15px", sm="17px", md="19px", lg="22px", xl="26px", xxl="32px")
    return gr.themes.Base(
        primary_hue="blue",
        neutral_hue="slate",
        text_size=sizes,
        font=[gr.themes.Font("Be Vietnam Pro"), "system-ui", "Segoe UI", "Roboto", "Noto Sans", "sans-serif"],
        font_mono=[gr.themes.Font("DejaVu Sans Mono"), "ui-monospace", "monospace"],
    ).set(
        body_text_color="#111827",
        body_text_color_subdued="#374151",
        block_label_text_size="*text_md",
        block_title_text_size="*text_md",
        block_label_text_weight="600",
        button_large_text_size="*text_md",
        button_large_padding="12px 18px",
        input_text_size="*text_md",
        button_primary_background_fill="#1d4ed8",
        button_primary_text_color="#ffffff",
        button_primary_background_fill_hover="#1e40af",
    )


_CONTRAST_VARS = """
--body-background-fill:#000;--background-fill-primary:#000;--background-fill-secondary:#111;
--block-background-fill:#000;--panel-background-fill:#000;--input-background-fill:#000;
--input-background-fill-focus:#000;--body-text-color:#fff;--body-text-color-subdued:#fff;
--block-label-text-color:#ffd400;--block-title-text-color:#ffd400;--block-info-text-color:#fff;
--block-label-background-fill:#000;--block-border-color:#fff;--border-color-primary:#fff;
--input-border-color:#fff;--input-placeholder-color:#d1d5db;--color-accent:#ffd400;
--color-accent-soft:#333;--link-text-color:#ffd400;--link-text-color-hover:#fff;
--button-primary-background-fill:#ffd400;--button-primary-background-fill-hover:#fff;
--button-primary-text-color:#000;--button-primary-border-color:#ffd400;
--button-secondary-background-fill:#000;--button-secondary-background-fill-hover:#333;
--button-secondary-text-color:#fff;--button-secondary-border-color:#fff;--checkbox-label-text-color:#fff;
--checkbox-label-background-fill:#000;--checkbox-border-color:#fff;--table-even-background-fill:#000;
--table-odd-background-fill:#111;--chatbot-text-color:#fff;--color-grey-50:#111;
"""

CSS = f"""
.gradio-container {{ font-size: 19px; line-height: 1.55; max-width: 1100px !important; margin: 0 auto; }}
.gradio-container .prose, .gradio-container .prose p, .gradio-container .prose li {{ font-size: 19px; }}
.gradio-container .prose h1 {{ font-size: 30px; margin: .2em 0; }}
.gradio-container button {{ font-size: 19px; min-height: 46px; }}
.gradio-container textarea, .gradio-container input {{ font-size: 19px !important; }}
#hocai-header {{ align-items: center; flex-wrap: wrap; gap: 8px; }}
#hocai-header > * {{ min-width: 0 !important; }}
#hocai-header > :first-child {{ flex: 1 1 10em !important; min-width: 10em !important; }}
#hocai-contrast {{ white-space: nowrap; min-width: 13em !important; flex: 0 0 auto !important; }}
.hocai-samples ol {{ padding-left: 1.6em; }} .hocai-samples li {{ margin: .3em 0; }}
.hocai-samples .added {{ font-weight: 700; background: var(--background-fill-secondary); border-radius: 4px; }}
.hocai-howto {{ background: var(--background-fill-secondary); border-left: 5px solid #1d4ed8;
  padding: 6px 14px !important; border-radius: 6px; }}
.hocai-verify {{ border: 2px solid #b45309; border-radius: 8px; padding: 4px 12px !important; }}
.hocai-bars {{ display: grid; grid-template-columns: minmax(5em, max-content) 1fr 4.2em; gap: 8px 10px;
  align-items: center; font-size: 20px; }}
.hocai-bars .word {{ font-weight: 600; white-space: pre; overflow: hidden; text-overflow: ellipsis;
  background: var(--background-fill-secondary); padding: 2px 6px; border-radius: 6px; }}
.hocai-bars .track {{ background: var(--background-fill-secondary); border: 1px solid var(--border-color-primary);
  border-radius: 6px; height: 28px; overflow: hidden; }}
.hocai-bars .fill {{ background: #1d4ed8; height: 100%; }}
.hocai-bars .pct {{ text-align: right; font-variant-numeric: tabular-nums; }}
.hocai-verdict {{ font-size: 22px; font-weight: 700; padding: 10px 14px; border-radius: 10px; }}
.hocai-verdict.bad {{ background: #fee2e2; color: #7f1d1d; border: 3px solid #b91c1c; }}
.hocai-verdict.ok {{ background: #dcfce7; color: #14532d; border: 3px solid #15803d; }}
.hocai-verdict.maybe {{ background: #fef3c7; color: #78350f; border: 3px solid #b45309; }}
/* tabs wrap on small screens instead of hiding in an overflow menu */
.gradio-container .tab-wrapper, .gradio-container .tab-container {{ flex-wrap: wrap !important; \
height: auto !important; }}
.gradio-container .tab-container {{ overflow: visible !important; }}
.gradio-container .tab-container button {{ visibility: visible !important; position: static !important;
  white-space: normal; font-size: 19px; font-weight: 600; }}
.gradio-container .overflow-menu {{ display: none !important; }}
html, body {{ overflow-x: hidden; }}
.gradio-container, .gradio-container * {{ max-width: 100%; box-sizing: border-box; }}
@media (max-width: 640px) {{
  .gradio-container {{ padding: 6px !important; }}
  .gradio-container .row, .gradio-container .form {{ flex-wrap: wrap !important; }}
  .gradio-container .row > * {{ min-width: 100% !important; }}
  .hocai-bars {{ grid-template-columns: minmax(4em, max-content) 1fr 3.8em; font-size: 18px; }}
}}
html.{CONTRAST_CLASS}, html.{CONTRAST_CLASS} body, html.{CONTRAST_CLASS} .dark, \
html.{CONTRAST_CLASS} .gradio-container {{
  {_CONTRAST_VARS} }}
html.{CONTRAST_CLASS} body, html.{CONTRAST_CLASS} .gradio-container {{ background: #000 !important; color: #fff; }}
html.{CONTRAST_CLASS} .gradio-container * {{ border-color: #fff; }}
html.{CONTRAST_CLASS} .hocai-bars .fill {{ background: #ffd400 !important; }}
html.{CONTRAST_CLASS} .hocai-verdict.bad, html.{CONTRAST_CLASS} .hocai-verdict.ok,
html.{CONTRAST_CLASS} .hocai-verdict.maybe {{ background: #000 !important; color: #ffd400 !important;
  border-color: #ffd400 !important; }}
html.{CONTRAST_CLASS} .hocai-howto {{ border-left-color: #ffd400 !important; }}
html.{CONTRAST_CLASS} .message, html.{CONTRAST_CLASS} .bubble-wrap {{ background: #000 !important; \
color: #fff !important; }}
"""

# Gradio's own words (toasts, status, tooltips) are English and it ships no Vietnamese: translate what can show.
GRADIO_WORDS_VI = {
    "Loading": "Đang tải",
    "Loading content": "Đang tải nội dung",
    "Loading response": "Đang chờ trả lời",
    "Error": "Có lỗi",
    "Warning": "Lưu ý",
    "Info": "Thông tin",
    "Loading...": "Đang tải…",
    "Loading…": "Đang tải…",
    "Connection errored out.": "Mất kết nối với Sân tập AI. Hãy tải lại trang.",
    "Connection to the server was lost. Attempting reconnection...": "Mất kết nối, đang thử kết nối lại…",
    "Copy": "Sao chép",
    "Copied": "Đã chép",
    "Copied!": "Đã chép",
    "Copy message": "Sao chép tin nhắn",
    "Copy conversation": "Sao chép cuộc trò chuyện",
    "Clear": "Xóa",
    "Submit": "Gửi",
    "Retry": "Thử lại",
    "Undo": "Hoàn tác",
    "Stop": "Dừng",
    "Close": "Đóng",
    "Share": "Chia sẻ",
    "Empty": "Trống",
    "processing": "đang xử lý",
    "queue": "hàng đợi",
    "Like": "Thích",
    "Dislike": "Không thích",
    "Chatbot": "Cuộc trò chuyện",
    "Textbox": "Ô chữ",
    "Settings": "Cài đặt",
    "Fullscreen": "Toàn màn hình",
    "Exit fullscreen mode": "Thoát toàn màn hình",
    "Scroll down": "Cuộn xuống",
    "This application is currently busy. Please try again. ": "Sân tập AI đang bận, hãy thử lại sau ít giây.",
    "This application is currently busy. Please try again.": "Sân tập AI đang bận, hãy thử lại sau ít giây.",
    "Queue is full": "Sân tập AI đang quá tải, thử lại sau ít phút.",
}


def head_html() -> str:
    """Runs before the app: apply a saved high-contrast choice; translate Gradio's English words."""
    words = json.dumps(GRADIO_WORDS_VI, ensure_ascii=False)
    return f"""<meta name="viewport" content="width=device-width, initial-scale=1">
<script>
(function () {{
  try {{ if (localStorage.getItem("{CONTRAST_CLASS}") === "1") \
document.documentElement.classList.add("{CONTRAST_CLASS}"); }} catch (e) {{}}
  document.documentElement.lang = "vi";
  var W = {words};
  function fix(node) {{
    if (node.nodeType === 3) {{
      var t = node.nodeValue.trim();
      if (t && W[t] !== undefined) node.nodeValue = node.nodeValue.replace(t, W[t]);
      else if (/^Queue is full/.test(t)) node.nodeValue = W["Queue is full"];
      else if (/^processing \\|/.test(t)) node.nodeValue = t.replace("processing", "đang xử lý");
      else if (/^queue: /.test(t)) node.nodeValue = t.replace("queue", "hàng đợi");
      return;
    }}
    if (node.nodeType !== 1) return;
    ["aria-label", "title", "placeholder"].forEach(function (a) {{
      var v = node.getAttribute && node.getAttribute(a);
      if (v && W[v] !== undefined) node.setAttribute(a, W[v]);
    }});
    for (var c = node.firstChild; c; c = c.nextSibling) fix(c);
  }}
  new MutationObserver(function (ms) {{
    ms.forEach(function (m) {{
      if (m.type === "characterData") fix(m.target);
      else if (m.type === "attributes") fix(m.target);
      else m.addedNodes.forEach(fix);
    }});
  }}).observe(document.documentElement, {{ childList: true, subtree: true, characterData: true,
    attributes: true, attributeFilter: ["aria-label", "title", "placeholder"] }});
}})();
</script>"""


TOGGLE_CONTRAST_JS = f"""() => {{
  const on = document.documentElement.classList.toggle("{CONTRAST_CLASS}");
  try {{ localStorage.setItem("{CONTRAST_CLASS}", on ? "1" : "0"); }} catch (e) {{}}
}}"""
