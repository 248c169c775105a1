"""Anchor for the sign-in sheet benchmark: the same 签到表 printed with Python reportlab.

Same page as Xinghe's: A4 portrait, 12 mm margins, title block, columns 序号 / 姓名 / 住址 /
联系电话 / 签到时间 / 签名, 10 mm rows with names and addresses wrapping in their cells, the
header row repeated on every page, "第 N 页 / 共 M 页" and the print time. reportlab cannot
read the CFF-based Noto Sans CJK SC, so it uses WenQuanYi Micro Hei (Debian's
fonts-wqy-microhei), registered before the clock starts.

Usage: python3 sign_in_reportlab.py ROWS.tsv OUT.pdf RUNS
Prints the median seconds of RUNS builds and the page count.
"""
import statistics
import sys
import time

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

FONT = "WenQuanYi"
pdfmetrics.registerFont(TTFont(FONT, "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", subfontIndex=0))

TITLE = "浏河社区 社区居民健康讲座 签到表"
DETAILS = "日期：2026年12月1日 星期二　时间：09:00–11:00　地点：社区党群服务中心二楼活动室"
PRINTED = "打印时间：2026-11-28 09:00"
WIDTHS_MM = [10, 26, 44, 28, 20, 58]
CELL = ParagraphStyle("cell", fontName=FONT, fontSize=9, leading=11.7, wordWrap="CJK")


class NumberedCanvas(canvas.Canvas):
    """Holds pages back until the end, so each footer can say how many pages there are."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages = []

    def showPage(self):
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for number, state in enumerate(self._pages, 1):
            self.__dict__.update(state)
            width, _ = A4
            self.setFont(FONT, 15)
            self.drawCentredString(width / 2, A4[1] - 12 * mm - 15, TITLE)
            self.setFont(FONT, 8)
            self.drawString(12 * mm, A4[1] - 12 * mm - 30, DETAILS)
            self.drawRightString(width - 12 * mm, A4[1] - 12 * mm - 30, PRINTED)
            self.drawCentredString(width / 2, 12 * mm, f"第 {number} 页 / 共 {total} 页")
            super().showPage()
        super().save()


def build(rows, out):
    data = [["序号", "姓名", "住址", "联系电话", "签到时间", "签名"]]
    for number, name, address, phone in rows:
        data.append([number, Paragraph(name, CELL), Paragraph(address, CELL), phone, "", ""])
    table = Table(data, colWidths=[w * mm for w in WIDTHS_MM], rowHeights=[6 * mm] + [10 * mm] * len(rows), repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT, 9),
                ("GRID", (0, 0), (-1, -1), 0.5, (0.3, 0.3, 0.3)),
                ("BACKGROUND", (0, 0), (-1, 0), (0.88, 0.88, 0.88)),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("ALIGN", (0, 0), (0, -1), "CENTER"),
                ("ALIGN", (3, 0), (3, -1), "CENTER"),
                ("ALIGN", (0, 0), (-1, 0), "CENTER"),
            ]
        )
    )
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=12 * mm, rightMargin=12 * mm, topMargin=28 * mm, bottomMargin=18 * mm, title=TITLE)
    doc.build([table], canvasmaker=NumberedCanvas)
    return doc.page


def main():
    path, out, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with open(path, encoding="utf-8") as f:
        rows = [(line.rstrip("\n").split("\t") + [""] * 4)[:4] for line in f]
    times = []
    pages = 0
    for _ in range(runs):
        start = time.perf_counter()
        pages = build(rows, out)
        times.append(time.perf_counter() - start)
    print(f"{statistics.median(times):.4f} {pages}")


main()
