//! The interface's two languages. Every label a page shows is looked up here by key; document
//! text is shown as written. The language comes from the `lang` cookie (set by the switch in
//! the header, `/lang/{code}`), else from the browser's `Accept-Language`, else English.

use std::collections::HashMap;
use std::sync::LazyLock;

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};

use crate::extract::lexicon::Lexicon;

pub const COOKIE: &str = "lang";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Zh,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }

    /// The `lang` attribute of a page in this language.
    pub fn html(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh-Hans",
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::En => Lang::Zh,
            Lang::Zh => Lang::En,
        }
    }

    /// The name of the language in itself, for the switch.
    pub fn name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Zh => "中文",
        }
    }

    pub fn parse(code: &str) -> Option<Lang> {
        match code {
            "en" => Some(Lang::En),
            "zh" => Some(Lang::Zh),
            _ => None,
        }
    }

    /// The cookie's choice, else the first of `Accept-Language` that is one of ours (by
    /// quality), else English.
    pub fn of(req: &HttpRequest) -> Lang {
        if let Some(lang) = req.cookie(COOKIE).and_then(|c| Lang::parse(c.value())) {
            return lang;
        }
        req.headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .and_then(from_accept_language)
            .unwrap_or(Lang::En)
    }

    /// The label `key` in this language. A key missing from the table shows as itself (a
    /// test checks that every key the templates use is in the table).
    pub fn t(self, key: &str) -> &'static str {
        match LABELS.get(key) {
            Some((en, zh)) => match self {
                Lang::En => en,
                Lang::Zh => zh,
            },
            None => {
                tracing::warn!(key, "no label");
                "?"
            }
        }
    }
}

/// What every page's layout needs: the language, the page's own address (for the language
/// switch to come back to), and the lexicon's names of topics and parties.
pub struct Ui {
    pub lang: Lang,
    /// Path and query of this page.
    pub here: String,
    /// None on error pages, which show no topics or parties.
    lexicon: Option<&'static Lexicon>,
    /// The signed-in account, if any.
    pub user: Option<super::auth::SignedIn>,
}

impl Ui {
    pub fn new(req: &HttpRequest, lexicon: &'static Lexicon) -> Ui {
        let here = match req.query_string() {
            "" => req.path().to_owned(),
            q => format!("{}?{q}", req.path()),
        };
        Ui {
            lang: Lang::of(req),
            here,
            lexicon: Some(lexicon),
            user: super::auth::signed_in(req),
        }
    }

    /// For pages built without a request (error pages): English, coming back home.
    /// Labels in `lang` outside a request (a report written on the command line).
    pub fn in_lang(lang: Lang, lexicon: &'static Lexicon) -> Ui {
        Ui {
            lang,
            here: String::new(),
            lexicon: Some(lexicon),
            user: None,
        }
    }

    pub fn plain() -> Ui {
        Ui {
            lang: Lang::En,
            here: "/".into(),
            lexicon: None,
            user: None,
        }
    }

    pub fn t(&self, key: &str) -> &'static str {
        self.lang.t(key)
    }

    /// The session's CSRF token, for the hidden field of every form that writes.
    pub fn csrf(&self) -> &str {
        self.user.as_ref().map_or("", |u| u.csrf.as_str())
    }

    /// Whether the signed-in account may do what `role` may.
    pub fn may(&self, role: &str) -> bool {
        let role: Option<crate::analyst::accounts::Role> = role.parse().ok();
        match (&self.user, role) {
            (Some(u), Some(r)) => u.may(r),
            _ => false,
        }
    }

    /// Whether this page is the section `path` (`/` only itself).
    pub fn is_current(&self, path: &str) -> bool {
        let here = self.here.split('?').next().unwrap_or("");
        if path == "/" {
            here == "/"
        } else {
            here == path || here.starts_with(&format!("{path}/"))
        }
    }

    /// The address that switches to the other language and comes back here.
    pub fn switch_url(&self) -> String {
        format!(
            "/lang/{}?back={}",
            self.lang.other().code(),
            url_encode(&self.here)
        )
    }

    pub fn status(&self, s: &crate::link::status::Status) -> &'static str {
        self.lang.t(&format!("status.{s}"))
    }

    pub fn status_help(&self, s: &crate::link::status::Status) -> &'static str {
        self.lang.t(&format!("status.{s}.help"))
    }

    pub fn relation(&self, r: &crate::link::Relation) -> &'static str {
        self.lang.t(&format!("relation.{r}"))
    }

    /// A topic's name in this language.
    pub fn topic(&self, id: &str) -> String {
        self.lexicon
            .and_then(|lex| lex.topics.iter().find(|t| t.id == id))
            .map_or_else(|| id.to_owned(), |t| self.pick(&t.en, &t.zh).to_owned())
    }

    /// A party's name in this language (`both` is both parties).
    pub fn party(&self, code: &str) -> String {
        if code == crate::extract::actors::BOTH {
            return self.t("common.both_parties").to_owned();
        }
        self.lexicon
            .and_then(|lex| lex.parties.iter().find(|p| p.code == code))
            .map_or_else(|| code.to_owned(), |p| self.pick(&p.en, &p.zh).to_owned())
    }

    /// A sub-actor role's name in this language.
    pub fn role(&self, id: &str) -> String {
        self.lexicon
            .and_then(|lex| lex.roles.iter().find(|r| r.id == id))
            .map_or_else(|| id.to_owned(), |r| self.pick(&r.en, &r.zh).to_owned())
    }

    /// Parties' names, joined.
    pub fn parties(&self, codes: &[String]) -> String {
        let sep = match self.lang {
            Lang::En => ", ",
            Lang::Zh => "、",
        };
        codes
            .iter()
            .map(|c| self.party(c))
            .collect::<Vec<_>>()
            .join(sep)
    }

    fn pick<'s>(&self, en: &'s str, zh: &'s str) -> &'s str {
        match self.lang {
            Lang::En => en,
            Lang::Zh => zh,
        }
    }
}

/// Percent-encodes everything but unreserved characters, for a query value.
pub fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn from_accept_language(header: &str) -> Option<Lang> {
    let mut best: Option<(f32, Lang)> = None;
    for part in header.split(',') {
        let mut pieces = part.trim().split(';');
        let tag = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
        let quality = pieces
            .find_map(|p| p.trim().strip_prefix("q=").map(str::to_owned))
            .and_then(|q| q.parse::<f32>().ok())
            .unwrap_or(1.0);
        let primary = tag.split('-').next().unwrap_or("");
        let lang = match primary {
            "zh" => Lang::Zh,
            "en" => Lang::En,
            _ => continue,
        };
        if quality > 0.0 && best.is_none_or(|(q, _)| quality > q) {
            best = Some((quality, lang));
        }
    }
    best.map(|(_, lang)| lang)
}

#[derive(Debug, serde::Deserialize)]
pub struct SwitchQuery {
    back: Option<String>,
}

/// `/lang/{code}?back=/path`: remembers the choice for a year and goes back to the page.
/// Only a path on this site is followed back.
pub async fn switch(code: web::Path<String>, query: web::Query<SwitchQuery>) -> HttpResponse {
    let back = query
        .back
        .as_deref()
        .filter(|b| b.starts_with('/') && !b.starts_with("//") && !b.contains('\\'))
        .unwrap_or("/");
    let mut response = HttpResponse::SeeOther();
    response.insert_header((header::LOCATION, back.to_owned()));
    if let Some(lang) = Lang::parse(&code) {
        response.cookie(
            Cookie::build(COOKIE, lang.code())
                .path("/")
                .max_age(actix_web::cookie::time::Duration::days(365))
                .same_site(SameSite::Lax)
                .http_only(true)
                .finish(),
        );
    }
    response.finish()
}

/// key → (English, Chinese).
static LABELS: LazyLock<HashMap<&'static str, (&'static str, &'static str)>> =
    LazyLock::new(|| TABLE.iter().map(|&(k, en, zh)| (k, (en, zh))).collect());

pub const TABLE: &[(&str, &str, &str)] = &[
    // Header, footer, navigation.
    (
        "app.tagline",
        "Commitments across official documents, over time.",
        "追踪官方文件中的承诺及其进展。",
    ),
    ("nav.main", "Main", "主导航"),
    ("nav.dashboard", "Overview", "概览"),
    ("nav.threads", "Commitments", "承诺"),
    ("nav.timeline", "Timeline", "时间线"),
    ("nav.documents", "Documents", "文件"),
    ("nav.search", "Search", "搜索"),
    ("nav.skip", "Skip to content", "跳到正文"),
    ("lang.switch", "Language", "语言"),
    // Shared words.
    ("common.none", "None", "无"),
    ("common.all", "All", "全部"),
    ("common.any", "Any", "不限"),
    ("common.yes", "Yes", "是"),
    ("common.no", "No", "否"),
    ("common.apply", "Apply", "应用"),
    ("common.reset", "Clear filters", "清除筛选"),
    ("common.previous", "Previous", "上一页"),
    ("common.next", "Next", "下一页"),
    ("common.page", "Page", "第"),
    ("common.page_of", "of", "页，共"),
    ("common.pages", "", "页"),
    ("common.pagination", "Pages", "分页"),
    ("common.results", "results", "条结果"),
    ("common.as_of", "As of", "截至"),
    ("common.today", "Today", "今天"),
    ("common.mentions", "Mentions", "提及"),
    ("common.documents", "Documents", "文件"),
    ("common.threads", "Commitments", "承诺"),
    ("common.year", "Year", "年份"),
    ("common.count", "Count", "数量"),
    ("common.topic", "Topic", "领域"),
    ("common.parties", "Parties", "相关方"),
    ("common.party", "Party", "相关方"),
    ("common.status", "Status", "状态"),
    ("common.deadline", "Deadline", "期限"),
    ("common.target", "Target", "目标"),
    ("common.first_stated", "First stated", "首次提出"),
    ("common.last_mentioned", "Last mentioned", "最近提及"),
    ("common.title", "Commitment", "承诺"),
    ("common.relation", "Relation", "关系"),
    ("common.score", "Score", "得分"),
    ("common.evidence", "Evidence", "依据"),
    ("common.date", "Date", "日期"),
    ("common.document", "Document", "文件"),
    ("common.paragraph", "paragraph", "段"),
    ("common.both_parties", "both parties", "双方"),
    ("common.days_overdue", "days overdue", "天逾期"),
    ("common.days_left", "days left", "天后到期"),
    // Statuses (from what the documents say; analysts' follow-ups come later).
    ("status.fulfilled", "Fulfilled", "已履行"),
    ("status.in_progress", "In progress", "推进中"),
    ("status.overdue", "Overdue", "已逾期"),
    ("status.open", "Open", "未到期"),
    (
        "status.fulfilled.help",
        "A later document reports it done.",
        "后续文件报告已完成。",
    ),
    (
        "status.in_progress.help",
        "A later document reports a step towards it.",
        "后续文件报告了进展。",
    ),
    (
        "status.overdue.help",
        "Its deadline has passed and no document reports it done.",
        "期限已过，尚无文件报告完成。",
    ),
    (
        "status.open.help",
        "Stated; not yet due, or without a deadline.",
        "已提出，尚未到期或无期限。",
    ),
    // Relations of mentions.
    ("relation.origin", "Origin", "首次提出"),
    ("relation.reaffirms", "Reaffirms", "重申"),
    ("relation.advances", "Advances", "推进"),
    ("relation.fulfils", "Fulfils", "履行"),
    ("relation.revises", "Revises", "修订"),
    ("relation.refers", "Refers", "提及"),
    // Kinds of units.
    ("kind.commitment", "Commitment", "承诺"),
    ("kind.reaffirmation", "Reaffirmation", "重申"),
    ("kind.support", "Support", "支持"),
    ("kind.assessment", "Assessment", "评价"),
    ("kind.reported_fact", "Reported fact", "事实"),
    ("kind.background", "Background", "背景"),
    // Dashboard.
    ("dashboard.title", "Overview", "概览"),
    ("dashboard.by_topic", "Commitments by topic", "按领域统计"),
    ("dashboard.by_status", "Commitments by status", "按状态统计"),
    ("dashboard.overdue", "Overdue commitments", "逾期承诺"),
    ("dashboard.upcoming", "Upcoming deadlines", "即将到期"),
    ("dashboard.recent", "Recently active", "最近活跃"),
    ("dashboard.coverage", "Documents by year", "各年份文件数"),
    ("dashboard.total", "commitments tracked", "项承诺在追踪"),
    (
        "dashboard.empty",
        "No commitments yet: ingest documents with `pledgeline ingest`.",
        "尚无承诺：请用 `pledgeline ingest` 导入文件。",
    ),
    ("dashboard.see_all", "See all", "查看全部"),
    (
        "dashboard.as_of_label",
        "Show the state as of",
        "查看截至某日的状态",
    ),
    // Threads list.
    ("threads.title", "Commitments", "承诺"),
    ("threads.filters", "Filters", "筛选"),
    ("threads.text", "Words", "关键词"),
    ("threads.from_year", "From year", "起始年份"),
    ("threads.to_year", "To year", "截止年份"),
    ("threads.has_deadline", "Has a deadline", "有期限"),
    ("threads.sort", "Sort by", "排序"),
    ("threads.sort.last", "Last mentioned", "最近提及"),
    ("threads.sort.first", "First stated", "首次提出"),
    ("threads.sort.deadline", "Deadline", "期限"),
    ("threads.sort.mentions", "Number of mentions", "提及次数"),
    (
        "threads.none",
        "No commitment matches these filters.",
        "没有符合筛选条件的承诺。",
    ),
    ("threads.found", "commitments found", "项承诺"),
    // One thread.
    ("thread.timeline", "Timeline", "时间线"),
    (
        "thread.timeline.help",
        "One mark per mention at its document's date, a star per follow-up at its evidence dates; the dashed line is the deadline, the solid line today.",
        "每个标记代表一次提及（按文件日期），星号代表跟进记录（按证据日期）；虚线为期限，实线为今天。",
    ),
    ("thread.mentions", "Mentions, in order", "历次提及"),
    ("thread.follow_ups", "Follow-ups", "跟进记录"),
    (
        "thread.follow_ups.none",
        "No follow-ups yet.",
        "尚无跟进记录。",
    ),
    ("thread.same_target", "same target", "相同目标"),
    (
        "thread.same_metric",
        "same measure, different amount or deadline",
        "相同指标，数额或期限不同",
    ),
    ("thread.shared_keys", "shared names", "共同名称"),
    ("thread.shared_words", "shared words", "共同词语"),
    ("thread.shared_fields", "shared fields", "共同领域"),
    ("thread.same_topic", "same topic", "同一领域"),
    ("thread.similarity", "similarity", "相似度"),
    (
        "thread.linked_from",
        "linked to an earlier mention",
        "关联至前次提及",
    ),
    ("thread.by", "by", "至"),
    (
        "thread.open_document",
        "Open the paragraph in the document",
        "打开文件中的该段",
    ),
    ("thread.overdue_span", "overdue", "逾期"),
    // Global timeline.
    ("timeline.title", "Timeline of commitments", "承诺时间线"),
    (
        "timeline.help",
        "Each row is a commitment, in its topic's lane; its marks are the months it was mentioned, joined by a line. Select a row to open it.",
        "每行是一项承诺，按领域分道；标记为被提及的月份，以线相连。点击一行可打开该承诺。",
    ),
    // Search.
    ("search.title", "Search", "搜索"),
    (
        "search.label",
        "Words to find, in Chinese (or English names)",
        "要查找的词语",
    ),
    (
        "search.help",
        "Type one or more words, such as 双边贸易 or 上海合作组织; every word must appear. Two-character words work, and traditional characters are read as simplified.",
        "输入一个或多个词语，例如“双边贸易”或“上海合作组织”；所有词语都须出现。可搜索两字词，繁体字按简体处理。",
    ),
    (
        "search.nothing",
        "There is nothing to search for in that query (only punctuation or spaces).",
        "查询中没有可搜索的词语（只有标点或空格）。",
    ),
    (
        "search.cut_short",
        "The query was long; only its first 200 characters were searched.",
        "查询过长，只搜索了前200个字符。",
    ),
    ("search.words", "Searched for", "搜索词"),
    ("search.more_than", "more than", "超过"),
    ("search.statements", "statements", "条表述"),
    (
        "search.ranked_among",
        "best first among the newest",
        "按相关度排列最新的",
    ),
    ("search.statements_heading", "Statements", "表述"),
    ("search.in_title", "in the title", "标题匹配"),
    (
        "search.none",
        "Nothing matches all these words.",
        "没有同时包含这些词语的结果。",
    ),
    // Documents.
    ("document.thread", "Commitment thread", "所属承诺"),
    ("documents.title", "Documents", "文件"),
    (
        "documents.count",
        "documents, newest first",
        "份文件，由新到旧",
    ),
    (
        "documents.empty",
        "No documents yet. Add some with `pledgeline ingest PATH…`, or run `pledgeline demo`.",
        "尚无文件。请用 `pledgeline ingest 路径…` 导入，或运行 `pledgeline demo`。",
    ),
    ("documents.col.title", "Title", "标题"),
    ("documents.col.published", "Published", "日期"),
    ("documents.col.page", "Page", "版名"),
    ("documents.col.genre", "Genre", "体裁"),
    ("documents.newer", "Newer", "较新"),
    ("documents.older", "Older", "较早"),
    ("document.details", "Details", "详情"),
    ("document.published", "Published", "发布日期"),
    ("document.signed", "Signed", "签署"),
    ("document.dateline", "Dateline", "电头"),
    ("document.page_name", "Page name", "版名"),
    ("document.page", "Page", "版号"),
    ("document.item", "Item", "条号"),
    ("document.issue", "Issue", "总期"),
    ("document.genre", "Genre", "体裁"),
    ("document.classification", "Classification", "分类"),
    ("document.authors", "Authors", "作者"),
    ("document.source", "Source", "来源"),
    ("document.structure", "Structure", "结构"),
    ("document.blocks", "blocks", "个段块"),
    ("document.sentences", "sentences", "个句子"),
    ("document.file", "File", "文件"),
    ("document.article", "article", "篇"),
    ("document.ingested", "Ingested", "导入时间"),
    ("document.statements", "Extracted statements", "提取的表述"),
    (
        "document.no_statements",
        "No statements were extracted from this document (run `pledgeline extract`).",
        "未从本文件提取到表述（可运行 `pledgeline extract`）。",
    ),
    ("document.units", "units", "个单元"),
    ("document.parties", "parties", "相关方"),
    (
        "document.help",
        "Hover over a highlighted statement, or tab to its number, for a summary; the notes under each paragraph list everything extracted. ↗ leads to the statement's commitment thread.",
        "将鼠标移到高亮的表述上，或用 Tab 键移到其编号，可看摘要；各段下的注释列出全部提取结果。↗ 指向该表述所属的承诺。",
    ),
    ("document.paragraph", "Paragraph", "段落"),
    ("document.statement", "Statement", "表述"),
    ("document.signatures", "Signatures", "签字"),
    ("document.all", "All documents", "全部文件"),
    ("note.statements", "statements in paragraph", "条表述，第"),
    ("note.paragraph_end", "", "段"),
    ("note.confidence", "confidence", "置信度"),
    ("note.cut", "text cut off", "文本被截断"),
    ("note.topic", "Topic", "领域"),
    ("note.also", "also", "另有"),
    ("note.actors", "Actors", "行为方"),
    ("note.from_context", "(from context)", "（据上下文）"),
    ("note.cues", "Cue words", "提示词"),
    ("note.target", "Target", "目标"),
    ("note.time", "Time", "时间"),
    ("note.named", "Named", "名称"),
    ("note.keywords", "Keywords", "关键词"),
    ("modality.strong", "strong", "强"),
    ("modality.moderate", "moderate", "中"),
    ("modality.weak", "weak", "弱"),
    ("modality.none", "none", "无"),
    // Accounts, follow-ups, link review, administration.
    ("nav.admin", "Admin", "管理"),
    ("nav.login", "Log in", "登录"),
    ("nav.logout", "Log out", "退出"),
    ("nav.review", "Review", "审核"),
    ("common.save", "Save", "保存"),
    ("login.title", "Log in", "登录"),
    ("login.name", "Account name", "账户名"),
    ("login.password", "Password", "密码"),
    ("login.submit", "Log in", "登录"),
    (
        "login.failed",
        "That account name and password do not match an enabled account.",
        "账户名或密码不正确，或账户已停用。",
    ),
    (
        "login.expired",
        "The login form had expired. Please try again.",
        "登录表单已过期，请重试。",
    ),
    ("role.viewer", "viewer", "查看者"),
    ("role.analyst", "analyst", "分析员"),
    ("role.admin", "administrator", "管理员"),
    ("fstatus.not_started", "Not started", "尚未开始"),
    ("fstatus.in_progress", "In progress", "进行中"),
    (
        "fstatus.partially_fulfilled",
        "Partially fulfilled",
        "部分履行",
    ),
    ("fstatus.fulfilled", "Fulfilled", "已履行"),
    ("fstatus.not_fulfilled", "Not fulfilled", "未履行"),
    ("fstatus.superseded", "Superseded", "已被取代"),
    ("fstatus.unclear", "Unclear", "不明"),
    (
        "compliance.plus",
        "+1: full or nearly full compliance",
        "+1：完全或基本履行",
    ),
    (
        "compliance.zero",
        "0: partial compliance or work in progress",
        "0：部分履行或正在推进",
    ),
    (
        "compliance.minus",
        "−1: no compliance, or action against the commitment",
        "−1：未履行或背离承诺",
    ),
    ("compliance.none", "not scored", "不计分"),
    (
        "compliance.help",
        "Compliance score in the style of the G7/G20 Research Group, derived from the status.",
        "参照七国集团/二十国集团研究小组的履约评分，由状态得出。",
    ),
    ("followup.add", "Add a follow-up", "添加跟进记录"),
    ("followup.edit", "Edit", "编辑"),
    ("followup.save", "Save follow-up", "保存跟进记录"),
    (
        "followup.save_anyway",
        "Save mine over the newer version",
        "以我的版本覆盖较新版本保存",
    ),
    ("followup.status", "Status", "状态"),
    (
        "followup.status.help",
        "What happened since the commitment. Each status's compliance score is shown beside it.",
        "自作出承诺以来的进展。每个状态旁注明其履约评分。",
    ),
    ("followup.note", "Note", "备注"),
    (
        "followup.note.help",
        "Plain text or Markdown (links must be http or https; HTML is shown as text).",
        "纯文本或 Markdown（链接须为 http 或 https；HTML 按文本显示）。",
    ),
    ("followup.evidence", "Evidence", "证据"),
    ("followup.next", "Next follow-up", "下次跟进"),
    ("followup.compliance", "Compliance", "履约评分"),
    ("followup.history", "History", "修改记录"),
    ("followup.version", "version", "版本"),
    ("followup.recorded_by", "recorded by", "记录人"),
    ("followup.from_thread", "from thread", "来自线索"),
    ("followup.created", "created", "创建"),
    ("followup.note_changed", "note changed", "备注已修改"),
    (
        "followup.saved_unchanged",
        "saved unchanged",
        "保存（无改动）",
    ),
    (
        "followup.withdraw",
        "Withdraw this follow-up (it stays in the history)",
        "撤回此跟进记录（保留在修改记录中）",
    ),
    ("followup.withdrawn", "withdrawn", "已撤回"),
    ("followup.restored", "restored", "已恢复"),
    (
        "followup.conflict",
        "Someone saved a newer version while you were editing. Nothing was overwritten: compare it with yours below, then save yours over it or leave it.",
        "您编辑期间有人保存了较新的版本。没有任何内容被覆盖：请对比下方两个版本，再决定是否保存您的版本。",
    ),
    ("followup.newer", "The newer version", "较新的版本"),
    (
        "followup.yours",
        "Your version (not saved yet)",
        "您的版本（尚未保存）",
    ),
    ("evidence.url", "Source address", "来源网址"),
    ("evidence.title", "Title", "标题"),
    ("evidence.date", "Date", "日期"),
    ("evidence.excerpt", "Quoted excerpt", "引文"),
    ("criteria.title", "Fulfilment criteria", "履行标准"),
    (
        "criteria.none",
        "No criteria yet: what would count as this commitment kept?",
        "尚无履行标准：怎样才算履行了这一承诺？",
    ),
    ("criteria.edit", "Edit the criteria", "编辑履行标准"),
    ("corrections.title", "Link corrections", "链接更正"),
    ("corrections.none", "No corrections yet.", "尚无更正。"),
    ("corrections.merge", "Merge with thread", "与线索合并"),
    ("corrections.merge.button", "Merge", "合并"),
    ("corrections.thread_no", "thread", "线索"),
    (
        "corrections.attach",
        "Bring a mention into this thread",
        "将提及移入此线索",
    ),
    ("corrections.attach.button", "Move here", "移到此处"),
    ("corrections.detach", "Detach", "移出"),
    ("corrections.split", "Split from here", "从此处拆分"),
    (
        "corrections.unit_no",
        "The mention's number, for corrections",
        "提及编号，用于更正",
    ),
    ("decision.accept", "Link accepted", "链接已确认"),
    ("decision.reject", "Link rejected", "链接已否决"),
    ("decision.detach", "Mention detached", "提及已移出"),
    ("decision.attach", "Mention moved", "提及已移动"),
    ("decision.merge", "Threads merged", "线索已合并"),
    ("decision.split", "Thread split", "线索已拆分"),
    ("decision.link", "Linked by hand", "人工链接"),
    ("decision.undo", "Undo", "撤销"),
    ("decision.undone", "undone by", "撤销人"),
    ("review.title", "Link review", "链接审核"),
    (
        "login.throttled",
        "Too many failed logins from here: try again in a quarter of an hour.",
        "此处登录失败次数过多，请一刻钟后再试。",
    ),
    (
        "thread.retired",
        "This thread has no mentions now: corrections or relinking moved them all. Its follow-ups, criteria and decisions are kept here (undo a decision below to bring mentions back).",
        "此线索目前没有提及：更正或重新链接已将其全部移走。其跟进记录、履行标准和决定仍保留在此（可在下方撤销决定以恢复提及）。",
    ),
    ("followup.one", "Follow-up", "跟进记录"),
    ("followup.analysts_status", "Analysts' status", "分析员评估"),
    ("review.done", "Recorded:", "已记录："),
    ("error.home", "Go to the overview", "返回概览"),
    ("error.login", "This needs an account.", "需要登录。"),
    ("error.forbidden", "Not allowed", "不允许"),
    (
        "error.conflict",
        "Not saved: a conflict",
        "未保存：存在冲突",
    ),
    ("error.not_found", "Page not found", "页面不存在"),
    (
        "error.not_found.help",
        "There is nothing at this address. It may have been mistyped, or the document may not exist.",
        "此地址没有内容。可能输入有误，或该文件不存在。",
    ),
    ("error.bad_request", "Bad request", "请求有误"),
    ("error.internal", "Something went wrong", "出错了"),
    (
        "error.internal.help",
        "The server could not complete this request. The problem has been logged; please try again later.",
        "服务器未能完成此请求。问题已记录，请稍后再试。",
    ),
    ("action.login", "logged in", "登录"),
    ("action.logout", "logged out", "退出"),
    ("action.user.add", "account added", "添加账户"),
    ("action.user.password", "password set", "设置密码"),
    ("action.user.role", "role changed", "更改角色"),
    ("action.user.disable", "account disabled", "停用账户"),
    ("action.user.enable", "account enabled", "启用账户"),
    ("action.followup.create", "follow-up added", "添加跟进记录"),
    ("action.followup.edit", "follow-up edited", "编辑跟进记录"),
    ("action.criteria.edit", "criteria edited", "编辑履行标准"),
    ("action.link.accept", "link accepted", "确认链接"),
    ("action.link.reject", "link rejected", "否决链接"),
    ("action.link.detach", "mention detached", "移出提及"),
    ("action.link.attach", "mention moved", "移动提及"),
    ("action.link.merge", "threads merged", "合并线索"),
    ("action.link.split", "thread split", "拆分线索"),
    ("action.link.link", "linked by hand", "人工链接"),
    ("action.link.undo", "decision undone", "撤销决定"),
    ("action.documents.upload", "documents uploaded", "上传文件"),
    (
        "action.documents.ingest",
        "documents ingested (command line)",
        "导入文件（命令行）",
    ),
    (
        "action.documents.extract",
        "documents re-extracted (command line)",
        "重新抽取（命令行）",
    ),
    (
        "action.threads.relink",
        "everything relinked (command line)",
        "全部重新链接（命令行）",
    ),
    ("common.more_than", "more than", "超过"),
    ("nav.reports", "Reports", "报告"),
    ("report.title", "Progress report", "进展报告"),
    ("report.as_of", "As of", "截至"),
    ("report.scope", "Threads", "范围"),
    ("report.all", "all threads", "全部线索"),
    ("report.period", "Period", "期间"),
    ("report.period_open", "all dates", "不限"),
    ("report.summary", "Summary", "摘要"),
    (
        "report.headline",
        "{n} commitments tracked: {f} fulfilled, {o} overdue.",
        "跟踪承诺 {n} 项：已履行 {f} 项，已逾期 {o} 项。",
    ),
    ("report.threads", "Threads tracked", "跟踪的线索"),
    ("report.fulfilled", "Fulfilled", "已履行"),
    ("report.overdue", "Overdue", "已逾期"),
    ("report.mean_score", "Mean compliance score", "平均履约得分"),
    ("report.scored", "threads scored", "项计分"),
    ("report.assessed", "Assessed by analysts", "经分析员评估"),
    (
        "report.new_threads",
        "New threads in the period",
        "期间新增线索",
    ),
    (
        "report.new_mentions",
        "New mentions in the period",
        "期间新增提及",
    ),
    ("report.by_status", "By status", "按状态"),
    ("report.by_topic", "By topic", "按领域"),
    ("report.rows", "Threads", "线索"),
    (
        "report.appendix",
        "Appendix: the history of each thread",
        "附录：各线索的完整历史",
    ),
    (
        "report.no_threads",
        "No thread matches these filters.",
        "没有符合条件的线索。",
    ),
    ("report.source.analyst", "analyst", "分析员"),
    ("report.source.documents", "documents", "文件"),
    ("report.event.mention", "Mention", "提及"),
    ("report.event.followup", "Follow-up", "跟进"),
    (
        "report.event.withdrawn",
        "Follow-up withdrawn",
        "跟进已撤回",
    ),
    ("report.col.id", "Thread", "线索"),
    ("report.col.title", "Title", "标题"),
    ("report.col.topic", "Topic", "领域"),
    ("report.col.parties", "Parties", "相关方"),
    ("report.col.first_stated", "First stated", "首次提出"),
    ("report.col.last_mentioned", "Last mentioned", "最近提及"),
    ("report.col.mentions", "Mentions", "提及次数"),
    ("report.col.target", "Target", "目标"),
    ("report.col.deadline", "Deadline", "期限"),
    ("report.col.status", "Status", "状态"),
    ("report.col.source", "Status from", "状态来源"),
    ("report.col.score", "Score", "得分"),
    ("report.col.evidence", "Latest evidence", "最新依据"),
    ("report.col.evidence_url", "Evidence address", "依据链接"),
    ("report.col.days_overdue", "Days overdue", "逾期天数"),
    (
        "report.col.mentions_in_period",
        "Mentions in the period",
        "期间提及",
    ),
    ("report.col.thread", "Thread", "线索"),
    ("report.col.thread_title", "Thread title", "线索标题"),
    ("report.col.date", "Date", "日期"),
    ("report.col.event", "Event", "事件"),
    ("report.col.what", "Relation or status", "关系或状态"),
    ("report.col.who", "Document or analyst", "文件或分析员"),
    ("report.col.text", "Quote or note", "原文或备注"),
    ("report.col.sources", "Evidence", "依据"),
    ("report.col.document", "Document", "文件编号"),
    ("report.col.version", "Follow-up version", "跟进版本"),
    ("report.sheet.summary", "Summary", "摘要"),
    ("report.sheet.threads", "Threads", "线索"),
    ("report.sheet.history", "History", "历史"),
    ("report.download", "Download", "下载"),
    ("report.print", "Print or save as PDF", "打印或另存为 PDF"),
    ("report.back", "Back to Pledgeline", "返回 Pledgeline"),
    ("report.history_csv", "CSV (history)", "CSV（历史）"),
    (
        "report.as_of_help",
        "What was known on this date: later mentions and follow-ups are left out.",
        "按该日期已知的情况：此后的提及和跟进不计入。",
    ),
    (
        "report.status_help",
        "The analysts' status where there is one, else the documents'. Overdue: past the deadline and not fulfilled.",
        "有分析员评估时以其为准，否则依据文件。已逾期：期限已过且未履行。",
    ),
    (
        "review.all",
        "All links waiting for review",
        "全部待审核链接",
    ),
    (
        "review.this_thread",
        "Review this thread's machine links",
        "审核此线索的机器链接",
    ),
    (
        "review.waiting",
        "machine links wait for review.",
        "条机器链接待审核。",
    ),
    (
        "review.help",
        "The least certain come first.",
        "最不确定的排在最前。",
    ),
    (
        "review.keys",
        "Keys: j / k next and previous, a accept, r reject.",
        "快捷键：j / k 下一条、上一条，a 确认，r 否决。",
    ),
    ("review.empty", "Nothing to review.", "没有待审核的链接。"),
    ("review.accept", "Accept", "确认"),
    ("review.reject", "Reject", "否决"),
    (
        "review.by_hand",
        "Link two mentions by hand",
        "人工链接两条提及",
    ),
    (
        "review.by_hand.help",
        "Give the mentions' numbers (#u…, shown beside each mention on thread pages and here).",
        "填写提及编号（#u…，见线索页面和本页每条提及旁）。",
    ),
    ("review.first", "First mention", "第一条提及"),
    ("review.second", "Second mention", "第二条提及"),
    ("review.link", "Link", "链接"),
    ("admin.title", "Administration", "管理"),
    ("admin.users", "Accounts", "账户"),
    ("admin.add_user", "Add an account", "添加账户"),
    ("admin.role", "Role", "角色"),
    ("admin.created", "Created", "创建日期"),
    ("admin.state", "State", "状态"),
    ("admin.enabled", "enabled", "已启用"),
    ("admin.disabled", "disabled", "已停用"),
    ("admin.enable", "Enable", "启用"),
    ("admin.disable", "Disable", "停用"),
    ("admin.upload", "Upload documents", "上传文件"),
    (
        "admin.upload.help",
        "People's Daily archive files, plain text or Markdown; each file is stored whole or not at all, and a file that fails is listed with its reason. Largest file:",
        "人民日报档案文件、纯文本或 Markdown；每个文件要么完整保存，要么不保存，失败的文件会列出原因。单个文件上限：",
    ),
    ("admin.upload.files", "Files", "文件"),
    ("admin.upload.submit", "Upload", "上传"),
    (
        "admin.upload.processing",
        "Uploaded; reading and linking…",
        "已上传，正在解析和链接…",
    ),
    (
        "admin.upload.failed",
        "The upload failed; nothing was sent.",
        "上传失败。",
    ),
    ("admin.upload.results", "Results", "结果"),
    ("admin.upload.file", "File", "文件"),
    ("admin.upload.outcome", "Outcome", "结果"),
    ("admin.upload.failed_file", "failed", "失败"),
    ("admin.audit", "Audit log", "审计日志"),
    ("audit.when", "When", "时间"),
    ("audit.actor", "Who", "操作人"),
    ("audit.action", "Action", "操作"),
    ("audit.entity", "What", "对象"),
    ("audit.entity_id", "Which", "编号"),
    ("audit.from", "From", "起"),
    ("audit.to", "To", "止"),
    ("audit.before", "Before", "之前"),
    ("audit.after", "After", "之后"),
    ("audit.none", "No entries match.", "没有匹配的记录。"),
    // Atom feeds (alerts).
    (
        "feeds.follow",
        "Follow in a feed reader",
        "用订阅阅读器关注",
    ),
    (
        "feeds.overdue_feed",
        "Overdue commitments (Atom feed)",
        "逾期承诺（Atom 订阅）",
    ),
    (
        "feeds.mentions_feed",
        "New mentions (Atom feed)",
        "新的提及（Atom 订阅）",
    ),
    (
        "feeds.thread_feed",
        "This commitment (Atom feed)",
        "本承诺（Atom 订阅）",
    ),
    (
        "feeds.mentions",
        "New mentions of commitments",
        "承诺的新提及",
    ),
    ("feeds.analyst", "Analyst", "分析员"),
    (
        "feeds.overdue.subtitle",
        "Commitments whose deadline has passed without a document reporting them fulfilled, the most recently overdue first.",
        "期限已过而尚无文件报告履行的承诺，最近逾期的在前。",
    ),
    (
        "feeds.mentions.subtitle",
        "Commitments mentioned again in the documents stored last.",
        "最近收录的文件中再次提及的承诺。",
    ),
    (
        "feeds.thread.subtitle",
        "Every mention of this commitment and every follow-up by analysts, newest first.",
        "该承诺的历次提及及分析员的跟进记录，最新的在前。",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(
            url_encode("/threads?topic=trade&q=双边"),
            "%2Fthreads%3Ftopic%3Dtrade%26q%3D%E5%8F%8C%E8%BE%B9"
        );
    }

    #[test]
    fn accept_language_picks_our_best_language() {
        assert_eq!(
            from_accept_language("zh-CN,zh;q=0.9,en;q=0.8"),
            Some(Lang::Zh)
        );
        assert_eq!(
            from_accept_language("en-GB,en;q=0.9,zh;q=0.8"),
            Some(Lang::En)
        );
        assert_eq!(
            from_accept_language("fr;q=1, zh-TW;q=0.5, en;q=0.4"),
            Some(Lang::Zh)
        );
        assert_eq!(from_accept_language("de, fr"), None);
        assert_eq!(from_accept_language("zh;q=0, en;q=0.1"), Some(Lang::En));
    }

    #[test]
    fn every_key_is_unique_and_has_both_languages() {
        let mut seen = std::collections::HashSet::new();
        for (key, en, zh) in TABLE {
            assert!(seen.insert(key), "{key} twice");
            assert!(!zh.is_empty(), "{key} has no Chinese");
            // A few English labels are empty on purpose (word order differs).
            assert!(
                !en.is_empty() || ["common.pages", "note.paragraph_end"].contains(key),
                "{key} has no English"
            );
        }
    }

    #[test]
    fn every_status_relation_and_order_has_labels() {
        use crate::link::Relation;
        use crate::link::status::Status;
        use crate::store::browse::ThreadOrder;
        let mut keys: Vec<String> = Vec::new();
        for s in Status::ALL {
            keys.push(format!("status.{s}"));
            keys.push(format!("status.{s}.help"));
        }
        keys.extend(Relation::ALL.iter().map(|r| format!("relation.{r}")));
        keys.extend(
            crate::extract::Kind::ALL
                .iter()
                .map(|k| format!("kind.{k}")),
        );
        keys.extend(
            crate::extract::Modality::ALL
                .iter()
                .map(|m| format!("modality.{m}")),
        );
        keys.extend(
            ThreadOrder::ALL
                .iter()
                .map(|o| format!("threads.sort.{}", o.as_str())),
        );
        for key in keys {
            assert!(LABELS.contains_key(key.as_str()), "{key}");
        }
    }

    /// Every `ui.t("…")` in the templates names a label of the table.
    #[test]
    fn every_label_the_templates_use_exists() {
        let mut missing = Vec::new();
        let mut stack = vec![std::path::PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/templates"
        ))];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                for (i, m) in text.match_indices("ui.t(\"") {
                    let rest = &text[i + m.len()..];
                    let key = &rest[..rest.find('"').unwrap()];
                    if !LABELS.contains_key(key) {
                        missing.push(format!("{}: {key}", path.display()));
                    }
                }
            }
        }
        assert!(missing.is_empty(), "labels missing: {missing:?}");
    }
}
