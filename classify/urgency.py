"""Does the caller describe immediate danger?

Urgent means someone may be hurt unless help comes within the hour: gas smell or leak, fire,
collapse, injury, fumes making several people ill, people trapped or fallen in,
electrocution, or something about to fall. The agent's own reaction counts too when the whole
call is given (:func:`agent_triage`: 我们马上转交燃气部门紧急处置, 请您注意安全), since Whisper
may lose the caller's words for the danger itself.
A routine complaint (garbage, noise, bus routes, medical insurance, heating) is never urgent,
so each cue is checked in its clause (the text between punctuation or spaces) and dropped when

* it is negated (没有着火, 不是漏气, 没人受伤, 打不着火, 差点着火);
* it is a fear, a hypothesis or a question (怕着火, 万一漏气, 容易塌, 有塌陷隐患, 着火了怎么办),
  or names a kind of event (坍塌事故, 困人事件), unless the caller says it is imminent
  (随时会塌, 马上要掉);
* it happened in the past (去年着火过) or keeps happening (经常困人) and nothing in the clause
  says it goes on now (现在, 还在); a recurring gas smell still counts;
* the caller says it is over (已经修好了, 火已经灭了, 人已经救出来了);
* it is asked about (请问有没有闻到烟味，或者看到冒烟);
* the context makes it harmless (烟囱冒烟 is air pollution, 轮胎漏气 is no gas leak, 受伤后的
  医保报销 is an insurance question).

Hazards such as a missing manhole cover, a loose exterior wall or a hanging branch are routine
road or building tickets on their own (they have their own short SLA). They become urgent only
when the caller states the danger near the hazard: 很危险, 差点掉进去, 晚上看不见, 怕砸到人.
Someone actually falling in, or being hit, is urgent through the fall and injury cues. Children
or elderly people being around does not by itself make a hazard urgent (我们小区井盖响，小孩都被
吵醒 is a noise complaint); children in danger are caught by the fall and trapped cues.

An open hole (a missing manhole cover, a pit, a 窟窿) where people walk is the exception: the
caller rarely says 危险 but describes it (晚上路灯也不太亮，老人孩子来回走，掉下去可就麻烦了),
and the hotline treats it as urgent. For a hole, the danger may be stated anywhere in the
next few sentences (or just before), and passers-by (老人孩子来回走), darkness (晚上路灯不亮) or the
consequence of a fall (掉下去就麻烦了) state it.

Whisper mishears the words that matter (媒气味 for 煤气味, 紧盖 for 井盖, 找火 for 着火, 标下去
for 掉下去), and writes 了 as 门/楼/冷/林 (天然气漏门). The text is therefore checked twice: as
written, and with danger words respelt by sound (:func:`classify.respell.respell`); negation,
hypotheses and the rest apply to both. A gas word followed by 漏 counts whatever follows 漏,
and Whisper's 著 is read as 着 (压著电线). Something pressing on a power line (树还压着电线)
is an electrocution danger.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from classify.phonetic import main_sound, syllables
from classify.respell import letters_respelt, respell

_CLAUSE_END = re.compile(r"[，,。.！!？?；;、\n\s]")
_NEGATED_BEFORE = re.compile(
    r"(?:没有|没|不是|并没有|并不是|并没|未|无|不|别|不会|没什么|不存在|差点儿?|差一点|险些)"
    r"(?:闻到|看到|发现|真的|再|什么|出现|发生|有人|人|任何|明显的?|的|被|让|造成|着){0,3}$"
)
_NEGATED_AFTER = re.compile(r"(?:倒是|倒|也|都|并)?没有?了?(?=$|[，,。.！!？?；;\s])")
_HYPOTHETICAL = re.compile(
    r"如果|万一|要是|假如|假设|一旦|怕|担心|害怕|防止|预防|避免|以防|会不会|恐怕|以免|是否|以为"
    r"|面临|存在|引起|导致|造成|等到|要等|难道|一但|(?:容易|可能会|就会|也会|都会|就得|会|要)$"
)
# A clause setting a condition: what follows it in the sentence is a consequence.
_CONDITION = re.compile(r"万一|如果|要是|假如|假设|一旦|一但")
# After a cue in its clause: a question about what would happen, not a report.
_HYPOTHETICAL_AFTER = re.compile(r"怎么办|谁负责|谁来负责|谁承担|之后|以后|的话|怎么处理")
# Right after a cue: it names a kind of event or a risk, not something happening now.
_NOT_AN_EVENT_AFTER = re.compile(r"过|事故|事件|风险|隐患|的?可能|的?危险|问题|高发|频发|案例")
# It keeps happening: a standing problem for a routine ticket (not for gas, see _Rule).
_HABITUAL = re.compile(r"经常|多次|数次|几次|时有|屡次|常常|频繁|总是|老是|每次|好几回|一烧起来")
_HAZARD_WORD = re.compile(r"隐患|安全隐患")
_IMMINENT = re.compile(r"随时|马上就?|眼看|正在|快要|就要")
_PAST = re.compile(
    r"昨天|前天|上周|上星期|上个月|去年|前年|之前|以前|上次|上回|前几天|前段时间|那天|当时|曾经"
)
_PRESENT = re.compile(r"(?<!到)现在|正在|还在|还是|一直|仍然|依然|刚才|刚刚|又|开始|马上|随时")
_RESOLVED_ANY = re.compile(
    r"已经(?:被)?(?:修好|修复|处理好?|解决|没事|好了|处理完)|现在没事了|修好了|处理好了"
)
# Before a cue in its sentence: the cue is asked about (请问有没有闻到烟味，或者看到冒烟).
_QUESTION_BEFORE = re.compile(r"有没有|是否|有无|是不是有")
_QUESTION_WINDOW = 20
# A clause that goes on asking what the one before asked.
_QUESTION_GOES_ON = re.compile(r"[\s，,]*(?:或者|还是|或|以及|有没有|是否)")
# A cue that is asked about itself: 是着火了吗.
_QUESTION_AFTER = re.compile(r"[^，,。.！!？?\s]{0,4}?[吗嘛][？?]?")
_SENTENCE_END = re.compile(r"[。.！!？?\n]")
_RESOLUTION_WINDOW = 40
_EVIDENCE_CHARS = 10


@dataclass(frozen=True)
class _Rule:
    """One kind of danger: what signals it and what makes a signal harmless."""

    label: str
    cue: re.Pattern[str]
    harmless: re.Pattern[str] | None = None
    resolved: re.Pattern[str] | None = None
    harmless_call: re.Pattern[str] | None = None
    recurring_is_urgent: bool = False


def _rx(pattern: str) -> re.Pattern[str]:
    """Compile one rule pattern (keeps the rule table short)."""
    return re.compile(pattern)


# What says a fire is out.
_FIRE_OUT = _rx(r"(?:火)?(?:已经)?(?:被)?(?:灭|扑灭)了|灭火了")
# What says a gas smell is over.
_GAS_GONE = _rx(r"不漏了|关了?阀门|味(?:道)?(?:已经)?散了")
# What says smoke has stopped.
_SMOKE_GONE = _rx(r"(?:已经)?(?:灭|扑灭)了|不冒烟了")
# Where harmless smoke comes from: a chimney, a grill, cooking, burning rubbish, a cigarette.
_SMOKE_SOURCES = (
    "烟囱|厂|油烟|烧烤|排放|锅炉|烧垃圾|焚烧|秸秆|烧纸|抽烟|吸烟|烟头|香烟|炊烟|做饭"
    "|烧塑料|露天|烦烧|粉烧"  # 焚烧 heard 烦烧 or 粉烧
)
# A call about paying for harm already done (insurance, compensation) reports no emergency.
_PAID_FOR = "报销|医保|赔偿|保险|医疗费|医药费|住院费"

_RULES: tuple[_Rule, ...] = (
    _Rule(
        "燃气泄漏",
        _rx(
            r"(?:煤气|燃气|天然气|液化气|沼气)[^，,。.！!？?\s]{0,4}?(?:味|泄漏|泄露|漏(?!水))"
            r"|漏(?:煤气|燃气|天然气|液化气)"
        ),
        resolved=_GAS_GONE,
        recurring_is_urgent=True,
    ),
    _Rule(
        "燃气泄漏",
        # The odorant's rotten-egg smell; in a call about sewage or a ditch it is hydrogen
        # sulphide from the water (水黑得跟墨汁似的，一股子臭鸡蛋味).
        _rx(r"臭鸡蛋(?:味|未|似的|时的|是的|一样)"),  # 时的: Whisper's 似的; 未 its 味
        harmless_call=_rx(r"排水|污水|排污|下水道|化粪池|水沟|河里|河水|河道|河边|小河|沟里|渠"),
        resolved=_GAS_GONE,
        recurring_is_urgent=True,
    ),
    _Rule(
        "燃气泄漏",
        # A gas main dug through or broken (Whisper may garble 燃 itself: 人气管道挖断).
        _rx(
            r"气(?:管道|管子|管线)[^，,。.！!？?\s]{0,6}?"
            r"(?:挖断|挖破|挖坏|弄断|砸断|撞断|断了|破了|裂了|爆了|漏了)"
        ),
        harmless=_rx(r"暖气|空调|气管炎|支气管|轮胎|排气|通气|下水|污水|雨水|自来水"),
        resolved=_rx(r"不漏了|关了?阀门|修好了"),
        recurring_is_urgent=True,
    ),
    _Rule(
        "燃气泄漏",
        _rx(r"漏气"),
        harmless=_rx(r"轮胎|车胎|胎|气门|打气|充气|暖气|空调|气球|篮球|足球|气垫"),
        resolved=_rx(r"不漏了|关了?阀门"),
        recurring_is_urgent=True,
    ),
    _Rule(
        "火情",
        _rx(r"着火|(?<![引挑])起火|失火|发生(?:了)?火灾|烧起来|烧着了|火势|火光"),
        resolved=_FIRE_OUT,
    ),
    _Rule(
        "火情",
        # 收购站着起来了: caught fire (but a stove or candle that lights is no fire)
        _rx(r"着起来了"),
        harmless=_rx(r"炉|灶|蜡烛|火柴|打火机|柴火|烟花"),
        resolved=_FIRE_OUT,
    ),
    _Rule(
        "火情",
        # a battery or charger smoking (电动车在充电，电瓶那儿冒黑烟了; 冒 heard 帽): 黑烟 too
        _rx(r"(?:电动车|电瓶|电池|充电器|充电)[^。.！!？?]{0,12}?[冒帽][^，,。.！!？?\s]{0,2}?烟"),
        resolved=_SMOKE_GONE,
    ),
    _Rule(
        "火情",
        _rx(r"冒烟|浓烟|火苗"),
        harmless=_rx(rf"{_SMOKE_SOURCES}|黑烟"),
        resolved=_SMOKE_GONE,
    ),
    _Rule(
        "火情",
        # Smoke rising through a building (黑烟一个劲儿往上蹿, 楼道里全是浓烟); 黑烟 alone may be a
        # factory's, so it counts only moving up or inside.
        _rx(
            r"烟(?!味)[^，,、。.！!？?\s]{0,6}?(?:往上|往外)?(?:蹿|窜|穿|冲|涌)|往上冒[^，,。.！!？?\s]{0,2}?烟"
            r"|(?:楼道|楼梯|楼里|屋里|家里|单元)[^。.！!？?]{0,8}?(?:黑烟|浓烟|全是烟|都是烟)(?!味)"
            # 楼道里冒烟了; a battery smoking (电瓶这会儿呲呲地冒黑烟)
            r"|(?:楼道|楼梯|楼里|屋里|单元)里?[^，,。.！!？?\s]{0,3}?冒(?:黑)?烟"
            r"|(?:电瓶|电池)[^，,。.！!？?\s]{0,8}?冒(?:黑)?烟"
        ),
        # Smoke from a chimney, a grill or burning rubbish is an air-pollution complaint.
        harmless_call=_rx(rf"{_SMOKE_SOURCES}|烟筒|烟花|烟道"),
        resolved=_SMOKE_GONE,
    ),
    _Rule(
        "爆炸",
        _rx(r"爆炸|气罐炸了|炸开了(?!锅)"),
        harmless=_rx(r"大爆炸|信息|时代|知识|新闻|人口|像|如同|好比|犹如|似的|一样"),
    ),
    _Rule(
        "坍塌",
        _rx(r"塌了|塌陷|坍塌|倒塌|塌方|塌下来|塌下去|陷下去|墙倒了|房子倒了|楼倒了"),
        # A few paving stones sunk in a path, or a manhole cover sunk a little (往下塌了一点),
        # are a repair ticket, not a collapse.
        harmless=_rx(r"[几两一]块|地砖|砖头|方砖|石板|(?:塌了|塌下去|陷下去)一?点(?!就)"),
    ),
    _Rule(
        "人员受伤",
        _rx(
            r"受伤(?!害)|受了伤|流血(?!流汗)|出血|骨折|昏迷|晕倒|昏倒|不省人事|摔伤|砸伤|撞伤|烫伤|烧伤|炸伤|咬伤"
            r"|流了(?:好多|很多|不少|一地|一身|一脸)?的?血|留了(?:好多|很多|不少|一地|一身|一脸)的?血"
            r"|头(?:上|都)?(?:被)?(?:砸|磕|撞)?破了"
            # a cut (划了老大一个口子; 划 heard 化)
            r"|(?:腿|手|胳膊|脚|头|脸|腰|背|脖子)上?(?:被)?(?:划|化|割|拉)了?"
            r"(?:老大|好大|很大|挺大)?(?:一个|个|一道|道|一条)大?口子"
            r"|(?:头上|脸上|身上|腿上|手上|脚上|胳膊上|满头|满脸|满身|一头|一脸|一身|浑身)"
            r"(?:全|都)?是血"
            r"|烫[着著到]了?(?:手|脚|脸|腿|胳膊)"  # 老太太刚才烫著手了 (了 heard 临)
            # scalded by boiling water (小脚被开水给烫了, 烫 heard 汤 and 了 门)
            r"|开水[^，,。.！!？?]{0,3}?[烫汤](?:了|门|伤|着|著)"
            r"|砸到人|撞到人|砸着人|被车撞|把人撞|(?<!倾)倒在?地上|躺在?地上|(?:摔|跌|倒|躺)[^，,。.！!？?]{0,4}起不来"
            # 瘫地上了 (Whisper: 摊地上了), 叫都叫不醒
            r"|瘫倒?在?地上|(?<![摆地小])摊倒?在?地上了|叫不醒"
            r"|没有?呼吸|没气了|出人命|(?<![吵烦热冷气累笑急臭闷渴饿疼痛怕忙坑愁])死人了|有人死"
            r"|(?:打|叫|拨|喊)了?(?:[^，,。.！!？?]{0,3}?和)?(?:救护车|120|幺二零|一二零)"
            # 了 is often heard as 门 (一二零已经叫门), 一二零 as 1220; 120已经有人打了
            r"|(?:救护车|120|1220|幺二零|一二零)[^，,。.！!？?]{0,4}?(?:也|已经|都)?(?:有人)?"
            r"(?:打|叫)(?:了|门)"
            # an ambulance on the scene now
            r"|[救就]护车(?:已经|刚)?(?:来了|到了|拉走)|[救就]护车(?:正在|已经在)?(?:来的)?路上"
            r"|急救电话[^，,。.！!？?]{0,3}?(?:已经)?打(?:了|过了)"
        ),
        # Injuries in calls about compensation or insurance are over, not emergencies.
        harmless_call=_rx(rf"工伤|{_PAID_FOR}|理赔|认定|鉴定|残疾"),
        resolved=_rx(r"(?:已经)?(?:送医|送到?医院|去医院了|人没事)"),
    ),
    _Rule(
        "有毒气体",
        # Several people with symptoms from fumes: a chemical or gas release, not a smell
        # complaint (好几个人都咳嗽，邻居家孩子头晕).
        _rx(
            r"(?:好几个|几个|很多|不少|一些|好多|多)人[^。.！!？?]{0,12}?"
            r"(?:头晕|头疼|头痛|恶心|呕吐|咳嗽|喘不上气|喘不过气|呼吸困难|睁不开眼|晕倒)"
            r"|熏得?[^，,。.！!？?\s]{0,3}?(?:头晕|喘不上气|喘不过气|呼吸困难|晕倒)"
        ),
        # Cooking fumes or smoke that make neighbours cough are an air-pollution complaint.
        harmless_call=_rx(
            r"油烟|烧烤|做饭|炒菜|抽烟|吸烟|香烟|装修|甲醛|新房"
            rf"|{_PAID_FOR}"
        ),
    ),
    _Rule(
        "群体食物中毒",
        # Several people vomiting or with diarrhoea at once (好几个人都吐上了; 人 may be
        # misheard: 好几个颜都吐上了), or poisoning said to be happening (中毒了).
        _rx(
            r"集体中毒|(?<!防)中毒了"
            r"|(?:(?:好几|几|很多|不少|好多|[两三四五六七八九十]{1,2})个|(?:很多|不少|好多|好些)人)"
            r"[^，,。.！!？?\s]{0,3}?(?:都|全)?(?:开始)?"
            r"(?:吐了|吐上了|吐得|上吐下[泻泄写]|又吐又拉|拉肚子|肚子疼|肚子痛)"
            # a whole family sick (我们一家子中午在熟食店买的卤肉，吃完了全都上吐下泻; 泻 heard 写;
            # 一家三口…全吐了 heard 全土门)
            r"|一家(?:子|人|老小|几口|三口|四口)?[^。.！!？?]{0,40}?(?:都|全)(?:开始)?"
            r"(?:[吐土]|上吐下[泻泄写]|拉肚子)"
            # 一个接一个地吐 (Whisper may write 吐 as 图: 一个接一个地图，拉肚子)
            r"|一个接一个[^。.！!？?]{0,6}?(?:吐|拉肚子)"
            # 吐的吐，拉的拉: some vomiting, some with diarrhoea (heard 土得土了，拉得拉)
            r"|[吐土图][的得地][吐土图]了?[，,、\s]?拉[的得地]拉"
            # one, then another too (孩子就开始吐，拉肚子，我媳妇也吐)
            r"|(?:吐|拉肚子)[^。.！!？?]{0,20}?(?:也|又)(?:开始)?(?:吐|拉肚子)"
        ),
        harmless_call=_rx(rf"{_PAID_FOR}|理赔"),
        # Over and treated: a complaint about the meal, not an emergency.
        resolved=_rx(r"(?:已经)?(?:好了|没事了|出院了)|医生说|医院说|去医院了"),
    ),
    _Rule(
        "人员被困",
        _rx(
            r"困在|被困|困住|(?<!贫)困人(?!口)|关在电梯|卡在电梯|电梯里出不来|锁在(?:车|屋|家|房)里|反锁在"
            # a lift stuck between floors (卡在 also heard as 查在)
            r"|[卡查]在[^，,。.！!？?\s]{1,8}?[楼层][^，,。.！!？?\s]{0,2}?中间"
            # a leg or a body caught in a hole (腿卡在里头)
            r"|(?:腿|脚|胳膊|身子|半截身子)[^，,。.！!？?\s]{0,2}?(?:卡|夹)(?:在|住)(?:里头|里面|里边|井里|坑里|缝里)"
            r"|电梯[^，,。.！!？?\s]{0,4}?关(?:在)?里头"
            # 腿卡在里头了，出不来: a pause may come before 出不来 (a card or coins stuck in a
            # machine are no person: 银行卡卡在里头了)
            r"|(?<![卡钱币])(?:压|卡|夹|埋)(?:住|着|著|在)?[^，,。.！!？?\s]{0,4}?[，,]?出不来"
            # someone in a house the water rises round (水都快没到膝盖了…老太太一个人在屋里出不来)
            r"|(?:水|淹)[^。.！!？?]{0,30}?(?:在|困在)(?:屋|家|房)里(?:头)?出不来"
            r"|(?:压|砸|埋)(?:住|着|著|在)了?(?:一个|个|两个|几个)?[^，,。.！!？?\s]{0,4}?"
            r"(?:人|大爷|大妈|老人|老太太|孩子|小孩|行人|路人|工人)"
        ),
        resolved=_rx(r"(?:已经)?(?:被)?救(?:出来|出|下)了?|已经出来了"),
    ),
    _Rule(
        "人员坠落",
        _rx(
            r"(?:有人|人|小孩|孩子|老人|学生|行人|路人|车|腿|脚|小伙子?|大姐|大哥|大爷|大妈)"
            r"[^，,。.！!？?\s]{0,3}?(?:掉|摔|跌|落|栽)(?:进|到|入|下)(?:去|来|井|坑|河|水|沟|楼|了)"
            # 小孩儿掉井里了: the person right before (车钥匙掉井里 is no fall)
            r"|(?:有人|人|小孩|孩子|老人|学生|行人|路人)儿?(?:掉|摔|跌|落|栽)(?:井|坑|河|沟)里"
            r"|落水(?!管)|溺水|掉河里|掉水里"
        ),
        # 把老人都招进去 (heard 栽进去) is luring people in, not a fall
        harmless=_rx(r"把(?:老人|老头|老太太|人|孩子|小孩|学生)[^，,。.！!？?\s]{0,2}?[栽招]进"),
        resolved=_rx(r"(?:已经)?(?:被)?(?:救|拉|捞)(?:出来|上来)了?"),
    ),
    _Rule(
        "坠物或倒塌危险",
        _rx(
            r"随时(?:都|还)?(?:会|可能|要|有可能|得)?(?:掉|塌|倒|砸|断|落|坠|脱落|爆)|摇摇欲坠"
            r"|马上(?:就)?要(?:掉|塌|倒|断|砸)|眼看(?:就)?要(?:掉|塌|倒)|快(?:要)?(?:掉|塌|倒)下来了"
            # pieces already coming down (阳台外墙裂开，又往下掉了好几块水泥块，砸在车棚上)
            r"|往下掉了?(?:好|一)?(?:几|两|一)大?块|掉下来[^，,。.！!？?]{0,8}?砸(?:在|到|中|坏|了)"
            # 一大片砸下来 (tiles off a façade onto the cars below)
            r"|(?:一大?|好几|几)[片块][^，,。.！!？?]{0,4}?(?:砸|掉)下来"
            r"|往下掉[^。.！!？?]{0,30}?[砸杂](?:在|到|灾)[^，,。.！!？?]{0,6}?"
            r"(?:人行道|路上|地上|车上|楼下|楼门口|门口)"
            # coming down now (外墙的瓷砖正在往下掉; 瓷砖 heard 磁针): hard pieces, not leaves
            r"|(?:墙|砖|[瓷磁]|墙皮|块|玻璃|水泥|石)[^，,。.！!？?\s]{0,4}?(?:正在|还在)往下掉"
        ),
        harmless=_rx(r"像|如同|好比|犹如|似的|一样"),
    ),
    _Rule(
        "正在撬门入室",
        # A break-in going on now (一个拿着撬棍在那儿别锁; 撬 heard 别 or 跳): the caller
        # watches it, so the words say it is happening.
        _rx(
            r"(?:正在|还在|在那儿?|在门口)[^，,。.！!？?\s]{0,6}?(?:撬|别|跳)(?:锁|门)"
            r"|(?:撬|别|跳)(?:锁|门)[^。.！!？?]{0,10}?(?:还在|正在)"
            # a door forced with tools now (两个人正在撬门，拿着螺丝刀和撬棍; 撬 heard 敲)
            r"|(?:正在|还在)[^，,。.！!？?\s]{0,6}?敲(?:锁|门)[^。.！!？?]{0,16}?(?:[撬敲]棍|刀|钳子)"
            # cars broken into now (有两人正在砸车窗偷东西)
            r"|(?:正在|还在|在那儿?)[^，,。.！!？?\s]{0,4}?砸(?:车窗|车玻璃|玻璃|车)"
        ),
    ),
    _Rule(
        "路口信号灯全灭",
        # Every signal of a junction dark at a busy time (红绿灯全灭了，四个方向都不亮，现在正是
        # 下班点儿，车都抢着走; 红绿灯 heard 红绿东 or 红里灯, 全灭 heard 全面; the busy time may
        # come a sentence later: …随时要倒。现在正是放学的点儿): cars and people cross blind.
        _rx(
            r"(?:红[绿里率吕][灯东]|信号灯)[^。.！!？?]{0,8}?(?:全[灭面]|全黑|全都不亮|都不亮|全不亮)"
            r"[^！!？?]{0,100}?(?:差点|抢着|乱走|下班|放学|高峰|没有?交警|一个交警也没有|刮倒|撞)"
        ),
    ),
    _Rule(
        "持械伤人",
        # A knife out in a fight (有个人手里拿着刀，正在那儿追着人砍): cutting down trees or
        # vegetables is no such thing, so a person is chased or cut.
        _rx(
            r"追着[^，,。.！!？?\s]{0,4}?(?:砍|捅)|(?:砍|捅)(?:伤)?了?(?:人|一个人)"
            r"|(?:拿[着著]?|持|拎[着著]?|举[着著]?|掏出)[^，,。.！!？?\s]{0,4}?刀[^。.！!？?]{0,12}?(?:追|砍|捅)"
            # a bottle or a brick swung at someone (有个人拿着酒瓶子砸人; 着 heard 这, 子 自)
            r"|(?:拿|抄|举|抡)[着著这]?[^，,。.！!？?\s]{0,3}?(?:酒瓶|瓶子|砖头|板砖|棍子|凳子)"
            r"[^，,。.！!？?\s]{0,3}?(?:砸|打|抡)(?:人|脑袋|头)"
            # a knife out in a fight going on (楼底下打起来了，好几个人，有个拿着刀的)
            r"|打起来了?[^。.！!？?]{0,16}?(?:拿[着著]?|持|拎[着著]?|举[着著]?)[^，,。.！!？?\s]{0,2}?刀"
        ),
        resolved=_rx(r"(?:已经)?(?:被)?(?:抓|制服|控制)(?:住|起来)?了|(?:人|他们)?(?:已经)?跑了"),
    ),
    _Rule(
        "倒伏物阻断道路",
        # A pole, tree or sign lying across a road (红绿灯的杆子刚才倒了，整个横在马路上了;
        # 辅路 heard 幅路, 进口道): traffic swerves round it now.
        _rx(r"横在[^，,。.！!？?\s]{0,6}?(?:马路|路|道)(?:上|中间|当中|口)"),
    ),
    _Rule(
        "触电危险",
        _rx(
            r"漏电|电线(?:掉|垂|断|落|耷拉)(?:下来|在地上|地上|了)|高压线(?:掉|断|垂|落)|电线杆(?:倒|歪)"
            r"|触电|电到人|被电(?:到|着)"
            r"|压(?:着|住|在|断|倒)了?(?:电线|高压线)|(?:电线|高压线)被?(?:压|砸|刮)(?:断|倒|着|住|了)"
        ),
        harmless=_rx(r"保护器|保护开关"),
    ),
    _Rule(
        "触电危险",
        # Water reaching a switch room or cables (水都漫到配电室了, 配电室淹着电缆).
        _rx(
            r"(?:配电室|配电箱|配电柜|电缆|电闸|电箱)[^。.！!？?]{0,15}?(?:淹|泡|进水|漫)"
            r"|(?:淹|泡|漫)[^。.！!？?]{0,15}?(?:配电室|配电箱|配电柜|电缆|电闸|电箱|电表[箱湘])"
            # 淹到 heard 焰到 (水焰看就要焰到电箱了); water running to the meter box (快流到
            # 一楼电表箱那儿了, 箱 heard 湘)
            r"|焰到了?(?:配电室|配电箱|配电柜|电缆|电闸|电箱)"
            r"|流到[^，,。.！!？?]{0,4}?(?:配电室|配电箱|配电柜|电闸|电箱|电表[箱湘])"
        ),
    ),
    _Rule(
        "烫伤危险",
        # A burst heating or hot-water pipe spraying scalding water
        # (暖气管子爆了，滚烫的水呲得满屋都是).
        _rx(
            r"(?:爆|裂|破)[^。.！!？?]{0,10}?滚烫|滚烫的?(?:水|开水)[^。.！!？?]{0,10}?"
            r"(?:喷|呲|滋|冒|满屋|到处|往外)"
        ),
    ),
)

# A hazard that is urgent only with a stated danger nearby.
_HAZARD_OBJECT = _rx(
    r"井盖|窨井|下水井|检查井|雨水井|污水井|大坑|深坑|广告牌|招牌|外墙|墙皮|瓷砖|墙砖|玻璃|脚手架"
    r"|塔吊|树枝|大树|空调外机|电线|护栏|栏杆"
)
_DANGER_STATED = _rx(
    r"(?:很|太|特别|非常|十分|挺|相当|真|多么?|极其)?危险(?!品|废物|化学|提示|标志|警示|源|性)"
    r"|差点儿?就?(?:掉|摔|砸|撞|绊)|差一点就?(?:掉|摔|砸|撞)|险些"
    r"|晚上(?:看不见|看不清|太黑|黑乎乎)|天黑(?:看不见|看不清)"
    r"|(?:容易|会|可能|怕|担心)[^，,。.！!？?\s]{0,6}?(?:掉进去|掉下去|摔|砸到人|砸着人|砸伤|伤人|伤到人|出事|出人命)"
)
_HAZARD_WINDOW = 40
# An open hole people may fall into, and what says people are at risk of falling in.
_HOLE = _rx(
    r"(?:井盖|盖子|井口|井)[^，,。.！!？?\s]{0,3}?"
    r"(?:没了|丢了|不见了|被偷|偷了|偷走|碎了?|坏了|塌了|翻了|掉了|没有了|缺了|破了|移位|敞着|开着)"
    # 窟窿 as heard (大黑苦农)
    r"|没有?井盖|大坑|深坑|[窟苦枯哭][窿农龙笼隆]|坑洞"
)
_HOLE_DANGER = _rx(
    r"掉(?:下去|进去|进)[^，,。.！!？?\s]{0,4}?(?:麻烦|危险|出事|不得了|完了|要命|受伤)"
    r"|(?:老人|孩子|小孩|行人|学生|路人|居民|人)[^，,。.！!？?\s]{0,6}?"
    r"(?:来回走|走来走去|经过|路过|过来过去|来来往往|来来回回|上学|放学)"
    r"|晚上[^。.！!？?]{0,8}?(?:不亮|不太亮|很黑|太黑|黑乎乎|看不见|看不清|没有?灯)"
    r"|天一?黑[^。.！!？?]{0,6}?(?:看不见|看不清|谁看得见|谁能看见)"
    # a wheel already caught in it (车轱辘直接别进去了)
    r"|(?:电动车|自行车|三轮|车)[^。.！!？?]{0,10}?(?:别进|栽进|掉进|卡进|陷进)"
)
_HOLE_WINDOW = 150
# A pit holding foul water is a pond (村东头那个大坑坑，这几天水黑得跟墨汁似的): water pollution,
# not a hole to fall into; checked just after the pit.
_POND = _rx(
    r"水[^，,。.！!？?\s]{0,3}?(?:黑|臭|绿|浑)|臭|死[^，,。.！!？?\s]{0,4}?鱼|鱼[^，,。.！!？?\s]{0,3}?死"
    r"|排污|污水|坑塘|水塘|池塘"
)
_POND_WINDOW = 30
# Potholes of a worn road (坑坑洼洼的好几个大坑, heard 坑坑挖挖): a repair, not a hole to fall
# into; checked in the sentence before the pit.
_POTHOLES = _rx(r"坑坑[洼挖哇娃蛙]{2}|坑[洼挖]")
_POTHOLES_WINDOW = 15
# Words respelt by sound before the second check (see the module docstring).
_DANGER_WORDS = (
    "煤气味", "燃气味", "天然气", "液化气", "煤气", "燃气", "漏气", "泄漏", "着火", "起火",
    "火苗", "冒烟", "浓烟", "爆炸", "塌陷", "坍塌", "倒塌", "井盖", "窨井", "窟窿",
    "掉下去", "掉进去", "栽进去", "掉进河里", "掉进水里", "掉到河里", "掉进井里", "被困",
    "触电", "漏电", "电线", "危险", "受伤", "骨折", "昏迷", "配电室",
)  # fmt: skip


@dataclass
class Urgency:
    """Whether a call needs an immediate response, and why.

    Attributes:
        urgent: True when the caller describes immediate danger.
        reasons: One entry per kind of danger, ``"燃气泄漏：楼道里煤气味很大"``.
        by_model: True when no rule found danger and the urgency model's score alone
            flagged the call (:func:`model_urgency`).
    """

    urgent: bool = False
    reasons: list[str] = field(default_factory=list)
    by_model: bool = False


# The reason given when the urgency model alone flags a call.
MODEL_REASON = "模型判断"


def model_urgency(score: float) -> Urgency:
    """Urgency flagged by the urgency model's ``score`` alone (no rule matched).

    Examples:
        >>> model_urgency(0.734).reasons
        ['模型判断：紧急可能性0.73，请人工确认']
    """
    return Urgency(
        urgent=True, reasons=[f"{MODEL_REASON}：紧急可能性{score:.2f}，请人工确认"], by_model=True
    )


def detect_urgency(text: str, whole_call: str | None = None) -> Urgency:
    """Decide whether ``text`` describes immediate danger.

    Args:
        text: The caller's words as transcribed.
        whole_call: The whole call, agent included, when known; the agent's own triage
            (:func:`agent_triage`) is read from it.

    Returns:
        An :class:`Urgency`; ``reasons`` is empty when the call is routine.

    Examples:
        >>> detect_urgency("楼道里煤气味很大").reasons
        ['燃气泄漏：楼道里煤气味很大']
        >>> detect_urgency("楼道里媒气位很大").reasons
        ['燃气泄漏：楼道里煤气味很大']
        >>> detect_urgency("没有着火，就是消防通道被堵了").urgent
        False
    """
    text = letters_respelt(text.replace("著", "着"))  # Whisper's 压著电线, 卡在电T里
    reasons = _dangers(text)
    respelt = respell_gas_smell(respell(text, _DANGER_WORDS))
    if respelt != text:
        for label, evidence in _dangers(respelt).items():
            reasons.setdefault(label, evidence)
    if whole_call:
        triage = agent_triage(whole_call)
        if triage is not None:
            reasons.setdefault(AGENT_TRIAGE, triage)
    return Urgency(urgent=bool(reasons), reasons=[f"{k}：{v}" for k, v in reasons.items()])


# The agent's own triage. Trained agents answer danger with a fixed repertoire: an emergency
# dispatch (我们马上转交燃气部门紧急处置, 马上联系消防), a safety instruction (请您注意安全, 先远离
# 现场, 不要开关电器, 别按门铃, 湿毛巾捂住口鼻), getting people out (往楼外撤, 把人疏散开),
# asking after the injured (人现在怎么样, 打一二零了吗). A caller's own wording misses what
# the agent heard (a scald Whisper wrote as 烫箱, 手给烫伤 lost), so the agent's reaction is
# evidence too. It is read from the whole call: on mono recordings the speakers are not told
# apart, so each cue is one a routine caller would not say (疏散通道 is not 把人疏散开).
AGENT_TRIAGE = "接线员按紧急处置"
_TRIAGE = _rx(
    r"(?:我们|这边)[^。.！!？?]{0,4}?(?:马上|立即|立刻|现在就|已经)[^。.！!？?]{0,14}?紧急"
    r"|(?:我们|这边)[^。.！!？?，,]{0,4}?按(?:照)?紧急|已经按(?:照)?紧急"
    r"|(?:我们|这边)[^。.！!？?]{0,4}?(?:马上|立即|立刻)[^。.！!？?]{0,20}?救援"
    r"|(?:请|请您|您)[^。.！!？?，,]{0,4}?注意(?:人身|自身)?安全"
    r"|注意(?:自个儿?|自个而|自己)的?安全"
    r"|(?:请|先|赶紧|马上|尽快|尽量)[^。.！!？?，,]{0,6}?(?:远离|撤离)"
    r"|(?:请|请您|您)(?:马上|赶紧|立即|立刻|先)离开"
    r"|(?:不要|别|千万别|千万不要)(?:再)?(?:使用|用|开关|开|点|动)?(?:明火|电器|电闸|打火机)"
    # the agent asking or telling the caller to call an ambulance or the fire brigade
    # (您先拨打120了吗, 剥打1220: 一二零 misheard); not 110, which routine reports are sent to
    r"|(?:您|请)[^。.！!？?，,]{0,3}?(?:拨打|剥打|打|拨|叫)了?(?:120|1220|119|幺二零|一二零|幺幺九|一一九)"
    r"|打了?(?:120|1220|119|幺二零|一二零|幺幺九|一一九)了?吗"
    # asking after someone hurt (人现在怎么样, 受伤的人现在什么情况)
    # (人 heard as 颜: 现在颜的情况怎么样)
    r"|[人颜]现在的?(?:情况)?(?:怎么样|什么情况)|现在[人颜]的?情况|受伤的人|伤得重不重|受伤了吗"
    # sending an ambulance, sending the caller to hospital at once
    r"|(?:派|协调|安排)[^。.！!？?，,]{0,4}?(?:急救车|救护车)"
    r"|(?:请您?|您)也?(?:尽快|赶紧|赶快|马上|立即)(?:去|到|上)医院"
    # what to do in a gas leak or a fire until help comes
    r"|(?:别|不要|千万别|千万不要)再?(?:打火|点火|按门铃|开灯|坐电梯|乘电梯|在楼道里打电话)"
    r"|湿毛巾"
    # getting people out and away (not a 疏散通道 or 疏散标志, which routine tickets name)
    r"|往(?:外|楼外|楼下|屋外|外面)撤|撤出来"
    r"|(?:先|赶紧|马上|把)[^。.！!？?，,]{0,6}?疏散(?!通道|标志|指示|楼梯|出口|门)"
    r"|(?:请|让|叫)(?:大家|您|周围的人|人|其他人)?离[^。.！!？?，,]{1,8}?远一?点"
    r"|先找[^。.！!？?，,]{0,6}?(?:挡|围)"
    # the fire brigade or rescuers sent at once
    r"|(?:马上|立即|立刻|已经|正在)在?(?:联系|通知|派)[^。.！!？?，,]{0,6}?消防|消防(?:马上|已经|正在)"
    r"|(?:马上|立即|立刻)出警"
    r"|(?:不要|别|千万别)再?(?:进楼|回楼里|回屋|往楼里|往烟里)"
    r"|(?:别|不要)让[^。.！!？?，,]{0,3}?[再在]?靠近"
    r"|救援人员"
)
# Triage words by toneless syllables (Whisper: 警及处理 for 紧急处理).
_TRIAGE_WORDS = ("紧急", "注意安全", "注意自身安全", "明火")


def agent_triage(text: str) -> str | None:
    """Evidence that the agent handled the call as an emergency, else None.

    Examples:
        >>> agent_triage("好的高先生，我们马上转交燃气部门紧急处置")
        '我们马上转交燃气部门紧急处置'
        >>> agent_triage("好的，我们会尽快转交相关部门处理") is None
        True
    """
    text = _respell_by_sound(text.replace("著", "着"), _TRIAGE_SOUNDS)
    m = _TRIAGE.search(text)
    return None if m is None else _evidence(text, m.start(), m.end())


# Gas words as Whisper base mishears them on telephone audio, by toneless syllables: the
# vowel after q drifts (煤气味 -> 没区位) and lou loses its o (漏气 -> 露气). Matched on
# syllables, written back as the real word (same length), then judged by the usual rules,
# negation included.
_GAS_SOUNDS = (
    (re.compile(r"(?:^| )(mei q[iu] wei)(?= |$)"), "煤气味"),
    # 漏气 only right after a gas word (管道, 燃气, 煤气 within three syllables): 路起了 alone
    # is a road.
    (
        re.compile(
            r"(?:guan dao|[ry]an q[iu]|mei q[iu])(?: \S+){0,3} ((?:lou|lu) q[iu])"
            r"(?= (?:le|liao|lin|ling)(?: |$))"
        ),
        "漏气",
    ),
)


# The triage words wherever every syllable sounds the same.
_TRIAGE_SOUNDS = tuple(
    (re.compile(rf"(?:^| )({syllables(word)})(?= |$)"), word) for word in _TRIAGE_WORDS
)


def respell_gas_smell(text: str) -> str:
    """``text`` with misheard gas-smell and gas-leak words written as the real words."""
    return _respell_by_sound(text, _GAS_SOUNDS)


def _respell_by_sound(text: str, patterns: tuple[tuple[re.Pattern[str], str], ...]) -> str:
    """``text`` with the words of ``patterns`` written where their pattern matches its
    toneless syllables (one per character, joined by spaces; group 1 is the word)."""
    joined = " ".join(main_sound(ch) or "?" for ch in text)
    chars = list(text)
    for pattern, word in patterns:
        for m in pattern.finditer(joined):
            first = joined[: m.start(1)].count(" ")  # syllable index = character index
            chars[first : first + len(word)] = word
    return "".join(chars)


def _dangers(text: str) -> dict[str, str]:
    """Kinds of danger described in ``text``, each with its evidence."""
    reasons: dict[str, str] = {}
    for rule in _RULES:
        if rule.label in reasons:
            continue
        for m in rule.cue.finditer(text):
            if _counts(text, m, rule):
                reasons[rule.label] = _evidence(text, m.start(), m.end())
                break
    hazard = _stated_hazard(text) or _open_hole(text)
    if hazard is not None:
        reasons.setdefault("设施隐患且有危险", hazard)
    return reasons


def _clause_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Start and end of the clause around ``text[start:end]``."""
    left = max((m.end() for m in _CLAUSE_END.finditer(text, 0, start)), default=0)
    right_match = _CLAUSE_END.search(text, end)
    return left, right_match.start() if right_match else len(text)


def _counts(text: str, m: re.Match[str], rule: _Rule) -> bool:
    """True when the cue ``m`` describes a present, real danger."""
    left, right = _clause_bounds(text, m.start(), m.end())
    clause, before = text[left:right], text[left : m.start()]
    if rule.harmless is not None and rule.harmless.search(clause):
        return False
    if rule.harmless_call is not None and rule.harmless_call.search(text):
        return False
    if _NOT_AN_EVENT_AFTER.match(text, m.end()):
        return False
    if _NEGATED_BEFORE.search(before) or _NEGATED_AFTER.match(text, m.end()):
        return False
    if _asked(text, m) or _QUESTION_AFTER.match(text, m.end()):
        return False
    hypothetical = (
        _HYPOTHETICAL.search(before)
        or _HYPOTHETICAL_AFTER.search(text, m.end(), right)
        or _HAZARD_WORD.search(clause)
        or _after_condition(text, left)
    )
    if hypothetical and not _IMMINENT.search(clause):
        return False
    past = _PAST.search(before) or (not rule.recurring_is_urgent and _HABITUAL.search(clause))
    if past and not _PRESENT.search(clause.replace("到现在", "")):
        return False
    after = text[m.end() : m.end() + _RESOLUTION_WINDOW]
    return not (_RESOLVED_ANY.search(after) or (rule.resolved and rule.resolved.search(after)))


def _after_condition(text: str, left: int) -> bool:
    """Whether the clause starting at ``left`` follows, in the same sentence, a clause that
    sets a condition (万一哪天刮大风倒了，砸着人可就麻烦了: a consequence, not a report)."""
    if left < 2 or text[left - 1] not in "，,":
        return False
    start, _ = _clause_bounds(text, left - 2, left - 1)
    return _CONDITION.search(text, start, left - 1) is not None


def _asked(text: str, m: re.Match[str]) -> bool:
    """Whether the cue ``m`` is what a question asks about (请问有没有闻到烟味，或者看到冒烟).

    A question reaches past a comma only into a clause that goes on asking (或者, 还是):
    on a mono call the caller's answer often follows the agent's question after a mere
    comma (请问有没有人送医，叫了120).
    """
    sentence = max((e.end() for e in _SENTENCE_END.finditer(text, 0, m.start())), default=0)
    asked = list(
        _QUESTION_BEFORE.finditer(text, max(sentence, m.start() - _QUESTION_WINDOW), m.start())
    )
    if not asked:
        return False
    question = asked[-1]  # the last question word before the cue
    for pause in _CLAUSE_END.finditer(text, question.end(), m.start()):
        if not _QUESTION_GOES_ON.match(text, pause.end()):
            return False
    return True


def _stated_hazard(text: str) -> str | None:
    """Evidence of a hazard with a danger stated within a few clauses, else None."""
    dangers = []
    for d in _DANGER_STATED.finditer(text):
        before = text[_clause_bounds(text, d.start(), d.end())[0] : d.start()]
        # A past near miss (昨天差点掉进去) shows the hazard is still there; other past
        # dangers (当时太危险了) may be over.
        near_miss = d.group(0)[0] in "差险"
        if not _NEGATED_BEFORE.search(before) and (near_miss or not _PAST.search(before)):
            dangers.append(d)
    if not dangers:
        return None
    for h in _HAZARD_OBJECT.finditer(text):
        for d in dangers:
            if abs(d.start() - h.start()) <= _HAZARD_WINDOW:
                after = text[max(h.end(), d.end()) : max(h.end(), d.end()) + _RESOLUTION_WINDOW]
                if _RESOLVED_ANY.search(after):
                    continue
                first, second = (
                    _evidence(text, h.start(), h.end()),
                    _evidence(text, d.start(), d.end()),
                )
                return first if second in first else f"{first}，{second}"
    return None


def _open_hole(text: str) -> str | None:
    """Evidence of an open hole with people at risk stated in the next sentences, else None."""
    for h in _HOLE.finditer(text):
        if "井" not in h.group(0) and _POND.search(text, h.end(), h.end() + _POND_WINDOW):
            continue
        before = text[max(0, h.start() - _POTHOLES_WINDOW) : h.start()]
        if _POTHOLES.search(re.split(r"[。.！!？?]", before)[-1]):
            continue
        for d in _HOLE_DANGER.finditer(
            text, max(0, h.start() - _HAZARD_WINDOW), h.end() + _HOLE_WINDOW
        ):
            before = text[_clause_bounds(text, d.start(), d.end())[0] : d.start()]
            if _NEGATED_BEFORE.search(before) or _PAST.search(before):
                continue
            after = text[h.end() : d.end() + _RESOLUTION_WINDOW]
            if _RESOLVED_ANY.search(after):
                continue
            first, second = _evidence(text, h.start(), h.end()), _evidence(text, d.start(), d.end())
            return first if second in first else f"{first}，{second}"
    return None


def _evidence(text: str, start: int, end: int) -> str:
    """The clause around a cue, cut to a few characters either side."""
    left, right = _clause_bounds(text, start, end)
    left = max(left, start - _EVIDENCE_CHARS)
    right = min(right, end + _EVIDENCE_CHARS)
    return text[left:right].strip()
