"""Content and judgments shared by the search contract suite (test_search_engines.py) and the
incremental-index tests: a few documents written here on top of the fixture content, and a
judged set over the sample content in content/."""

from __future__ import annotations

import math
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "content"
SAMPLE = ROOT / "content"
ENGINES = ("whoosh", "fts5")

EXTRA = {
    "regulations/dangyuan-jiaoyu-2006.md": """---
title: 党员教育管理办法
doc_number: 冀办发〔2006〕12号
issuer: 河北省
level: 办法
published: 2006-04-01
effective: 2006-05-01
category: 党员队伍建设
---
第一条　为了加强党员教育管理，制定本办法。

第二条　党员教育应当坚持经常性教育与集中培训相结合。
""",
    "policies/dongxun-2006.md": """---
title: 关于做好党员冬训工作的通知
doc_number: 冀办发〔2006〕120号
issuer: 河北省
published: 2006-11-01
effective: 2006-11-01
category: 党员队伍建设
---
各市委：请认真组织党员冬训。
""",
    "policies/shuju-anquan-2024.md": """---
title: 关于加强数据安全和个人信息保护的实施意见
doc_number: 石办发〔2024〕5号
issuer: 石家庄市
published: 2024-03-01
effective: 2024-04-01
category: 网络安全
---
一、各单位要加强数据安全，完善管理制度，落实个人信息保护责任。
""",
    "news/posts/xinxi-peixun-2025.md": """---
title: 正定县举办个人信息保护培训班
date: 2025-09-10
categories: [基层动态]
unit: 正定县
---
培训班讲解了个人信息保护的法律要求。
""",
    "regulations/lianzheng-2022.md": """---
title: 党风廉政建设责任制实施办法
doc_number: 冀发〔2022〕6号
issuer: 河北省
level: 办法
published: 2022-02-01
effective: 2022-03-01
category: 党风廉政建设
---
第一条　为了落实党风廉政建设主体责任和监督责任，制定本办法。

第二条　党委对本地区党风廉政建设负主体责任。
""",
    "news/posts/lianzheng-huiyi-2024.md": """---
title: 保定市召开全市党建工作会议
date: 2024-01-15
categories: [要闻]
unit: 保定市
---
会议总结了组织工作，并对党风廉政建设作出部署。
""",
    "regulations/shuzhi-2023.md": """---
title: 基层党组织书记抓党建述职评议考核办法
doc_number: 竞办发〔2023〕2号
issuer: 竞秀区
level: 办法
published: 2023-06-01
effective: 2023-06-01
category: 党的组织建设
---
第一条　基层党组织书记每年向上级党委述职，接受述职评议。
""",
    "policies/diyi-shuji-2023.md": """---
title: 驻村第一书记选派管理办法
doc_number: 正办发〔2023〕9号
issuer: 正定县
published: 2023-08-01
effective: 2023-08-01
category: 乡村振兴
---
第一书记由县委组织部统一选派，任期两年。
""",
    "news/posts/diyi-shuji-2025.md": """---
title: 竞秀区召开驻村干部座谈会
date: 2025-04-02
categories: [基层动态]
unit: 竞秀区
---
座谈会上，三名第一书记交流了工作体会。
""",
}

# The fixture content plus EXTRA: query → {url: grade}; 2 = what the reader wants, 1 = useful.
JUDGED_FIXTURE = {
    "党风廉政建设": {"/regulations/lianzheng-2022/": 2, "/news/posts/lianzheng-huiyi-2024/": 1},
    "个人信息保护": {"/policies/shuju-anquan-2024/": 2, "/news/posts/xinxi-peixun-2025/": 2},
    "第一书记": {"/policies/diyi-shuji-2023/": 2, "/news/posts/diyi-shuji-2025/": 1},
    "述职评议": {"/regulations/shuzhi-2023/": 2},
    "冀办发〔2006〕12号": {"/regulations/dangyuan-jiaoyu-2006/": 2},
    "基层组织工作规定": {"/regulations/zuzhi-gongzuo-2020/": 2, "/regulations/zuzhi-gongzuo-2026/": 2,
                   "/regulations/zuzhi-gongzuo-2015/": 2},
    "机关党建": {"/regulations/jiguan-banfa-2021/": 2, "/regulations/jiguan-banfa-2010/": 2},
}

# The sample content in content/ (as of 2026-06-01). For a name or term: every document that
# mentions it, 2 where the title does, 1 where only the text does — so recall must be 1.0.
JUDGED_SAMPLE = {
    "雄安": {
        "/consultations/xiongan-xinjian-shequ-dangjian-gongzuo-guize-zhengqiu-yijian/": 2,
        "/news/posts/2025-02-18-jiceng-dangjian-zhongdian-renwu-tuijinhui/": 1,
        "/news/posts/2025-05-20-xiongan-qiye-fuwu-zhuanyuan/": 2,
        "/news/posts/2026-11-18-xiongan-shuzhi-pingyi-kaohe-xin-banfa/": 2,
        "/policies/xiongan-qiye-fuwu-zhuanyuan-shishi-fangan/": 2,
        "/regulations/fazhan-dangyuan-shishi-xize-2024/": 1,
        "/regulations/lilun-xuexi-zhongxinzu-xuexi-shishi-banfa/": 1,
        "/regulations/xiongan-jiceng-shuji-shuzhi-kaohe-banfa/": 2,
        "/regulations/xiongan-jiceng-shuji-zhua-dangjian-shuzhi-kaohe-banfa/": 2},
    "党务公开": {
        "/news/posts/2026-01-09-quansheng-zuzhi-buzhang-huiyi/": 1,
        "/news/posts/2026-11-06-dangwu-gongkai-shishi-banfa-yinfa/": 2,
        "/news/posts/2026-11-24-shengwei-changweihui-dangwu-gongkai-jiceng-jianfu/": 2,
        "/regulations/dangwu-gongkai-gongzuo-shishi-banfa/": 2,
        "/regulations/zhengding-cun-shequ-dangzuzhi-yishi-guize-2026/": 1,
        "/regulations/zhengding-cun-shequ-dangzuzhi-yishi-guize/": 1},
    "党务公开栏": {
        "/regulations/dangwu-gongkai-gongzuo-shishi-banfa/": 1,
        "/regulations/zhengding-cun-shequ-dangzuzhi-yishi-guize-2026/": 1,
        "/regulations/zhengding-cun-shequ-dangzuzhi-yishi-guize/": 1},
    "石家庄": {
        "/consultations/shijiazhuang-shequ-shuji-zhuanyehua-guanli-banfa-zhengqiu-yijian/": 2,
        "/news/posts/2025-02-18-jiceng-dangjian-zhongdian-renwu-tuijinhui/": 1,
        "/news/posts/2025-12-12-shijiazhuang-wangge-zhili-tuijin/": 2,
        "/news/posts/2026-01-09-quansheng-zuzhi-buzhang-huiyi/": 1,
        "/news/posts/2026-06-15-shijiazhuang-shequ-shuji-banfa-zhengqiu-yijian/": 2,
        "/policies/shijiazhuang-shequ-wangge-zhili-shishi-fangan/": 2,
        "/regulations/shijiazhuang-jiguan-dangzhibu-zanxing-banfa/": 2,
        "/regulations/shijiazhuang-jiguan-jiceng-dangzuzhi-gongzuo-guiding/": 2},
    "正定": {
        "/news/posts/2026-10-30-zhengding-xiuding-yishi-guize/": 2,
        "/regulations/zhengding-cun-shequ-dangzuzhi-yishi-guize-2026/": 2,
        "/regulations/zhengding-cun-shequ-dangzuzhi-yishi-guize/": 2},
    "竞秀": {
        "/news/posts/2026-09-22-jingxiu-shequ-zhunru-qingdan-chengxiao/": 2,
        "/regulations/jingxiu-shequ-gongzuo-shixiang-zhunru-tongzhi/": 2},
    "阜平": {
        "/news/posts/2026-03-05-fuping-jiti-jingji-xingdong-qidong/": 2,
        "/policies/fuping-cunji-jiti-jingji-sannian-xingdong-fangan/": 2},
    "邯郸": {
        "/news/posts/2025-09-28-handan-jieqian-zoufang-weiwen/": 2,
        "/policies/handan-kunnan-dangyuan-lao-dangyuan-guanhuai-bangfu-yijian/": 2},
    "廊坊": {
        "/policies/langfang-yinjin-gaocengci-rencai-ruogan-cuoshi-2024/": 2,
        "/policies/langfang-yinjin-gaocengci-rencai-ruogan-cuoshi/": 2},
    "保定": {
        "/news/posts/2026-09-22-jingxiu-shequ-zhunru-qingdan-chengxiao/": 1,
        "/regulations/baoding-dangyuan-richang-jiandu-guanli-yijian/": 2,
        "/regulations/jingxiu-shequ-gongzuo-shixiang-zhunru-tongzhi/": 2},
    "第一书记": {
        "/news/posts/2025-02-18-jiceng-dangjian-zhongdian-renwu-tuijinhui/": 1,
        "/news/posts/2025-03-31-zhucun-guanli-banfa-yinfa/": 2,
        "/news/posts/2026-06-30-qingzhu-jiandang-105-zhounian-zuotanhui/": 1,
        "/policies/zhucun-diyi-shuji-he-gongzuodui-guanli-banfa/": 2,
        "/policies/zhucun-diyi-shuji-xuanpai-guanli-banfa/": 2},
    "驻村": {
        "/news/posts/2025-02-18-jiceng-dangjian-zhongdian-renwu-tuijinhui/": 1,
        "/news/posts/2025-03-31-zhucun-guanli-banfa-yinfa/": 2,
        "/news/posts/2026-06-30-qingzhu-jiandang-105-zhounian-zuotanhui/": 1,
        "/policies/zhucun-diyi-shuji-he-gongzuodui-guanli-banfa/": 2,
        "/policies/zhucun-diyi-shuji-xuanpai-guanli-banfa/": 2},
    "发展党员": {
        "/regulations/dangwu-gongkai-gongzuo-shishi-banfa/": 1,
        "/regulations/fazhan-dangyuan-shishi-xize-2019/": 2,
        "/regulations/fazhan-dangyuan-shishi-xize-2024/": 2,
        "/regulations/fazhan-dangyuan-shishi-xize/": 2,
        "/regulations/shijiazhuang-jiguan-dangzhibu-zanxing-banfa/": 1},
    "述职评议": {
        "/consultations/shijiazhuang-shequ-shuji-zhuanyehua-guanli-banfa-zhengqiu-yijian/": 1,
        "/news/posts/2025-02-18-jiceng-dangjian-zhongdian-renwu-tuijinhui/": 1,
        "/news/posts/2026-11-18-xiongan-shuzhi-pingyi-kaohe-xin-banfa/": 2,
        "/policies/fuping-cunji-jiti-jingji-sannian-xingdong-fangan/": 1,
        "/policies/handan-kunnan-dangyuan-lao-dangyuan-guanhuai-bangfu-yijian/": 1,
        "/regulations/fazhan-dangyuan-shishi-xize-2024/": 1,
        "/regulations/shijiazhuang-jiguan-jiceng-dangzuzhi-gongzuo-guiding/": 1,
        "/regulations/xiongan-jiceng-shuji-shuzhi-kaohe-banfa/": 2,
        "/regulations/xiongan-jiceng-shuji-zhua-dangjian-shuzhi-kaohe-banfa/": 2},
    "网格化": {
        "/news/posts/2025-02-18-jiceng-dangjian-zhongdian-renwu-tuijinhui/": 1,
        "/news/posts/2025-12-12-shijiazhuang-wangge-zhili-tuijin/": 2,
        "/policies/shijiazhuang-shequ-wangge-zhili-shishi-fangan/": 2},
    "集体经济": {
        "/news/posts/2025-02-18-jiceng-dangjian-zhongdian-renwu-tuijinhui/": 1,
        "/news/posts/2025-03-31-zhucun-guanli-banfa-yinfa/": 1,
        "/news/posts/2026-03-05-fuping-jiti-jingji-xingdong-qidong/": 2,
        "/policies/fuping-cunji-jiti-jingji-sannian-xingdong-fangan/": 2,
        "/policies/zhucun-diyi-shuji-he-gongzuodui-guanli-banfa/": 1,
        "/regulations/zhengding-cun-shequ-dangzuzhi-yishi-guize-2026/": 1,
        "/regulations/zhengding-cun-shequ-dangzuzhi-yishi-guize/": 1},
    "基层减负": {
        "/news/posts/2026-01-09-quansheng-zuzhi-buzhang-huiyi/": 1,
        "/news/posts/2026-03-02-jiceng-jianfu-wangluo-diaocha-gonggao/": 2,
        "/news/posts/2026-11-24-shengwei-changweihui-dangwu-gongkai-jiceng-jianfu/": 2,
        "/regulations/zhengzhi-xingshi-zhuyi-jiceng-jianfu-ruogan-guiding/": 2},
    "形式主义": {
        "/news/posts/2026-01-09-quansheng-zuzhi-buzhang-huiyi/": 1,
        "/news/posts/2026-03-02-jiceng-jianfu-wangluo-diaocha-gonggao/": 1,
        "/news/posts/2026-11-24-shengwei-changweihui-dangwu-gongkai-jiceng-jianfu/": 1,
        "/regulations/zhengzhi-xingshi-zhuyi-jiceng-jianfu-ruogan-guiding/": 2},
    "议事规则": {
        "/news/posts/2026-10-30-zhengding-xiuding-yishi-guize/": 2,
        "/regulations/zhengding-cun-shequ-dangzuzhi-yishi-guize-2026/": 2,
        "/regulations/zhengding-cun-shequ-dangzuzhi-yishi-guize/": 2},
    "理论学习中心组": {
        "/news/posts/2025-10-29-shenwei-changweihui-chuanda-sizhong-quanhui/": 1,
        "/regulations/lilun-xuexi-zhongxinzu-xuexi-shishi-banfa/": 2},
    "高层次人才": {
        "/policies/langfang-yinjin-gaocengci-rencai-ruogan-cuoshi-2024/": 2,
        "/policies/langfang-yinjin-gaocengci-rencai-ruogan-cuoshi/": 2},
    "企业服务专员": {
        "/news/posts/2025-05-20-xiongan-qiye-fuwu-zhuanyuan/": 2,
        "/policies/xiongan-qiye-fuwu-zhuanyuan-shishi-fangan/": 2},
    "困难党员": {
        "/news/posts/2025-09-28-handan-jieqian-zoufang-weiwen/": 2,
        "/news/posts/2026-06-30-qingzhu-jiandang-105-zhounian-zuotanhui/": 1,
        "/policies/handan-kunnan-dangyuan-lao-dangyuan-guanhuai-bangfu-yijian/": 2},
    "老党员": {
        "/news/posts/2025-09-28-handan-jieqian-zoufang-weiwen/": 2,
        "/news/posts/2026-06-30-qingzhu-jiandang-105-zhounian-zuotanhui/": 1,
        "/policies/handan-kunnan-dangyuan-lao-dangyuan-guanhuai-bangfu-yijian/": 2},
    "征求意见": {
        "/consultations/dangyuan-jiaoyu-peixun-gongzuo-banfa-zhengqiu-yijian/": 2,
        "/consultations/shijiazhuang-shequ-shuji-zhuanyehua-guanli-banfa-zhengqiu-yijian/": 2,
        "/consultations/xiongan-xinjian-shequ-dangjian-gongzuo-guize-zhengqiu-yijian/": 2,
        "/news/posts/2026-06-15-shijiazhuang-shequ-shuji-banfa-zhengqiu-yijian/": 2,
        "/news/posts/2026-11-06-dangwu-gongkai-shishi-banfa-yinfa/": 1,
        "/news/posts/2026-11-10-dangyuan-jiaoyu-peixun-banfa-zhengqiu-yijian/": 2,
        "/regulations/dangwu-gongkai-gongzuo-shishi-banfa/": 1,
        "/regulations/fazhan-dangyuan-shishi-xize-2024/": 1},
    "四中全会": {
        "/news/posts/2025-10-29-shenwei-changweihui-chuanda-sizhong-quanhui/": 2},
    "组织部长": {
        "/news/posts/2026-01-09-quansheng-zuzhi-buzhang-huiyi/": 2},
    "准入": {
        "/news/posts/2026-01-09-quansheng-zuzhi-buzhang-huiyi/": 1,
        "/news/posts/2026-09-22-jingxiu-shequ-zhunru-qingdan-chengxiao/": 2,
        "/news/posts/2026-11-24-shengwei-changweihui-dangwu-gongkai-jiceng-jianfu/": 1,
        "/regulations/jingxiu-shequ-gongzuo-shixiang-zhunru-tongzhi/": 2},
    "党支部": {
        "/consultations/xiongan-xinjian-shequ-dangjian-gongzuo-guize-zhengqiu-yijian/": 1,
        "/news/posts/2025-05-20-xiongan-qiye-fuwu-zhuanyuan/": 1,
        "/news/posts/2025-12-12-shijiazhuang-wangge-zhili-tuijin/": 1,
        "/news/posts/2026-06-30-qingzhu-jiandang-105-zhounian-zuotanhui/": 1,
        "/policies/shijiazhuang-shequ-wangge-zhili-shishi-fangan/": 1,
        "/regulations/baoding-dangyuan-richang-jiandu-guanli-yijian/": 1,
        "/regulations/fazhan-dangyuan-shishi-xize-2019/": 1,
        "/regulations/fazhan-dangyuan-shishi-xize-2024/": 1,
        "/regulations/fazhan-dangyuan-shishi-xize/": 1,
        "/regulations/shijiazhuang-jiguan-dangzhibu-zanxing-banfa/": 2,
        "/regulations/shijiazhuang-jiguan-jiceng-dangzuzhi-gongzuo-guiding/": 1},
    "主题党日": {
        "/news/posts/2025-10-29-shenwei-changweihui-chuanda-sizhong-quanhui/": 1,
        "/news/posts/2026-06-30-qingzhu-jiandang-105-zhounian-zuotanhui/": 1,
        "/regulations/shijiazhuang-jiguan-jiceng-dangzuzhi-gongzuo-guiding/": 1},
    "三会一课": {
        "/news/posts/2025-10-29-shenwei-changweihui-chuanda-sizhong-quanhui/": 1,
        "/policies/zhucun-diyi-shuji-xuanpai-guanli-banfa/": 1,
        "/regulations/shijiazhuang-jiguan-dangzhibu-zanxing-banfa/": 1,
        "/regulations/shijiazhuang-jiguan-jiceng-dangzuzhi-gongzuo-guiding/": 1},
    "入党积极分子": {
        "/regulations/fazhan-dangyuan-shishi-xize-2019/": 1,
        "/regulations/fazhan-dangyuan-shishi-xize-2024/": 1,
        "/regulations/fazhan-dangyuan-shishi-xize/": 1},
    "预备党员": {
        "/regulations/fazhan-dangyuan-shishi-xize-2019/": 1,
        "/regulations/fazhan-dangyuan-shishi-xize-2024/": 1,
        "/regulations/fazhan-dangyuan-shishi-xize/": 1},
    "党建引领": {
        "/news/posts/2025-02-18-jiceng-dangjian-zhongdian-renwu-tuijinhui/": 1,
        "/news/posts/2025-05-20-xiongan-qiye-fuwu-zhuanyuan/": 1,
        "/policies/fuping-cunji-jiti-jingji-sannian-xingdong-fangan/": 1,
        "/policies/shijiazhuang-shequ-wangge-zhili-shishi-fangan/": 2,
        "/policies/xiongan-qiye-fuwu-zhuanyuan-shishi-fangan/": 2,
        "/regulations/xiongan-jiceng-shuji-zhua-dangjian-shuzhi-kaohe-banfa/": 1},
    '"发展党员工作"': {
        "/regulations/fazhan-dangyuan-shishi-xize-2019/": 2,
        "/regulations/fazhan-dangyuan-shishi-xize-2024/": 2,
        "/regulations/fazhan-dangyuan-shishi-xize/": 2,
        "/regulations/shijiazhuang-jiguan-dangzhibu-zanxing-banfa/": 1},
    '"村级集体经济"': {
        "/news/posts/2025-02-18-jiceng-dangjian-zhongdian-renwu-tuijinhui/": 1,
        "/news/posts/2026-03-05-fuping-jiti-jingji-xingdong-qidong/": 2,
        "/policies/fuping-cunji-jiti-jingji-sannian-xingdong-fangan/": 2,
        "/policies/zhucun-diyi-shuji-he-gongzuodui-guanli-banfa/": 1},
    "企业服务专员制度": {
        "/news/posts/2025-05-20-xiongan-qiye-fuwu-zhuanyuan/": 2,
        "/policies/xiongan-qiye-fuwu-zhuanyuan-shishi-fangan/": 2},
    "个人信息": {
        "/news/posts/2025-09-16-dianzi-dangwu-xinxi-anquan-peixun/": 1,
        "/policies/dangyuan-geren-xinxi-baohu-tongzhi/": 2},
    "个人信息保护": {
        "/news/posts/2025-09-16-dianzi-dangwu-xinxi-anquan-peixun/": 1,
        "/policies/dangyuan-geren-xinxi-baohu-tongzhi/": 2},
    "冀办字2025年21号": {"/policies/dangyuan-geren-xinxi-baohu-tongzhi/": 2},
    "冀发〔2024〕07号": {"/regulations/fazhan-dangyuan-shishi-xize-2024/": 2},
    "冀发2024年7号": {"/regulations/fazhan-dangyuan-shishi-xize-2024/": 2},
    "冀发〔２０２４〕７号": {"/regulations/fazhan-dangyuan-shishi-xize-2024/": 2},
    "雄安工发〔2026〕9号": {"/regulations/xiongan-jiceng-shuji-zhua-dangjian-shuzhi-kaohe-banfa/": 2},
    "冀字〔2019〕23": {"/policies/zhucun-diyi-shuji-xuanpai-guanli-banfa/": 2},
}

NDCG_FLOOR = 0.9  # every judged query, either engine
NDCG_MEAN_FLOOR = 0.97  # the judged sets as a whole, either engine


def ndcg_at_10(ranked: list[str], grades: dict[str, int]) -> float:
    dcg = sum(grades.get(url, 0) / math.log2(i + 2) for i, url in enumerate(ranked[:10]))
    ideal = sum(g / math.log2(i + 2) for i, g in enumerate(sorted(grades.values(), reverse=True)[:10]))
    return dcg / ideal


def write_fixture_content(root: Path) -> Path:
    """The fixture content plus EXTRA, copied to `root`."""
    import shutil

    shutil.copytree(FIXTURE, root)
    for rel, text in EXTRA.items():
        (root / rel).write_text(text, encoding="utf-8")
    return root
