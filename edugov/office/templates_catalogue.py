"""Body skeletons for drafting, one per document type (拟稿模板).

A draft starts from the skeleton of its type; the issuing organ, signature and number
series come from the unit. The skeletons follow the structure GB/T 9704 expects (主送,
正文 with 一、/（一） headings, 附件说明) and are plain text, one paragraph per line.
"""

from __future__ import annotations

from edugov.office.choices import DocumentType

_GENERIC = (
    "为……，现将有关事项{verb}如下：\n一、总体要求\n……\n二、主要任务\n（一）……\n（二）……\n三、工作要求\n……"
)

_SKELETONS: dict[str, str] = {
    DocumentType.NOTICE: _GENERIC.format(verb="通知"),
    DocumentType.CIRCULAR: "现将……情况通报如下：\n一、基本情况\n……\n二、存在的问题\n……\n三、下一步要求\n……",
    DocumentType.REPORT: (
        "现将……情况报告如下：\n一、工作开展情况\n……\n二、存在的困难\n……\n三、下一步打算\n……\n特此报告。"
    ),
    DocumentType.REQUEST: "为……，现就……请示如下：\n一、……\n二、……\n妥否，请批示。",
    DocumentType.REPLY: "你单位《关于……的请示》收悉。经研究，现批复如下：\n一、……\n二、……\n此复。",
    DocumentType.LETTER: "……（事由）。\n……\n特此函告（请予支持为盼）。",
    DocumentType.OPINION: "为……，现提出如下意见：\n一、……\n二、……",
    DocumentType.DECISION: "为……，经研究，决定：\n一、……\n二、……",
    DocumentType.MINUTES: "……年……月……日，……主持召开……会议，研究……。现纪要如下：\n一、……\n二、……",
}


def body_template(doc_type: str) -> str:
    return _SKELETONS.get(doc_type, _GENERIC.format(verb="明确"))
