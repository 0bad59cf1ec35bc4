"""Alibaba Cloud SMS (阿里云短信服务, dysmsapi 2017-05-25) through its official SDK.

``SendSms`` with the registered signature (``SMS_SIGN``), the kind's template code
(``SMS_TEMPLATES[kind]``) and its parameters as a JSON object (``TemplateParam``). The SDK signs
each request with ACS3-HMAC-SHA256 (Authorization header over the canonical request). The
credentials are read from the environment when a message is sent, never from settings or the
database: ``ALIBABA_CLOUD_ACCESS_KEY_ID`` and ``ALIBABA_CLOUD_ACCESS_KEY_SECRET`` (the SDK's own names).

The answer's ``Code`` is "OK", or an error code (HTTP 200 for the business errors, 4xx/5xx for
the gateway's own); ``classify`` says which are worth retrying. The SDK's own retries stay off:
the outbox is the only one that retries, so a message is never sent twice by a hidden retry.
"""

from __future__ import annotations

import json
import os

from django.conf import settings

from notifications.sms import BaseSMSBackend, SMSError, SMSGiveUp
from notifications.sms_templates import code_for

# No retry mends these: the number, the template, the signature or the account must be fixed first.
GIVE_UP = {
    "isv.MOBILE_NUMBER_ILLEGAL": "手机号码格式错误",
    "isv.MOBILE_COUNT_OVER_LIMIT": "手机号码数量超过限制",
    "isv.DOMESTIC_NUMBER_NOT_SUPPORTED": "号码不支持",
    "isv.SMS_TEMPLATE_ILLEGAL": "短信模板不存在或未审核通过",
    "isv.TEMPLATE_MISSING_PARAMETERS": "模板缺少变量",
    "isv.TEMPLATE_PARAMS_ILLEGAL": "模板变量不合规",
    "isv.SMS_SIGNATURE_ILLEGAL": "短信签名不存在或未审核通过",
    "isv.SMS_SIGN_ILLEGAL": "短信签名不合法",
    "isv.SMS_SIGNATURE_SCENE_ILLEGAL": "签名与模板类型不匹配",
    "isv.INVALID_PARAMETERS": "参数格式错误",
    "isv.INVALID_JSON_PARAM": "模板参数不是合法的 JSON",
    "isv.PARAM_LENGTH_LIMIT": "模板变量超长",
    "isv.PARAM_NOT_SUPPORT_URL": "模板变量不支持网址",
    "isv.BLACK_KEY_CONTROL_LIMIT": "内容含禁用词",
    "isv.SMS_CONTENT_ILLEGAL": "短信内容不合规",
    "isv.ACCOUNT_NOT_EXISTS": "账号不存在",
    "isv.ACCOUNT_ABNORMAL": "账号异常",
    "isp.RAM_PERMISSION_DENY": "RAM 权限不足",
    "InvalidAccessKeyId.NotFound": "AccessKey 不存在",
    "InvalidAccessKeyId.Inactive": "AccessKey 已停用",
    "SignatureDoesNotMatch": "请求签名不匹配（AccessKey Secret 错误）",
    "Forbidden.RAM": "RAM 权限不足",
}
# Worth retrying later (the outbox backs off): rate limits, balance, the provider's own trouble.
RETRY = {
    "isv.BUSINESS_LIMIT_CONTROL": "发送频率超限（同一号码每分钟/小时/天的上限）",
    "isv.DAY_LIMIT_CONTROL": "当日发送量超限",
    "isv.AMOUNT_NOT_ENOUGH": "账户余额不足",
    "isv.OUT_OF_SERVICE": "业务停机（欠费）",
    "isp.SYSTEM_ERROR": "阿里云系统错误",
    "isp.GATEWAY_ERROR": "运营商网关错误",
    "Throttling.User": "接口调用频率超限",
    "Throttling.Api": "接口调用频率超限",
    "ServiceUnavailable": "服务暂不可用",
    "SignatureNonceUsed": "请求重放保护（换新的随机数重试）",
    "InvalidTimeStamp.Expired": "请求时间戳过期（服务器时钟偏差）",
}


def classify(code: str, message: str = "") -> SMSError:
    """The outbox's error for a provider code: SMSGiveUp (stop) or SMSError (retry later)."""
    text = f"阿里云短信 {code}：{GIVE_UP.get(code) or RETRY.get(code) or '未知错误'}（{message}）"
    return SMSGiveUp(text) if code in GIVE_UP else SMSError(text)


class AliyunSMSBackend(BaseSMSBackend):
    provider = "aliyun"
    label = "阿里云短信"
    credential_env = ("ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET")
    max_length_cap = 500  # a long SMS (签名 + 正文) as the provider documents it; billed per 67 characters

    def client(self):
        from alibabacloud_dysmsapi20170525.client import Client
        from alibabacloud_tea_openapi.utils_models import Config

        key_id, secret = (os.environ.get(name, "") for name in self.credential_env)
        if not (key_id and secret):
            raise SMSError(
                "阿里云短信凭据未设置（环境变量 ALIBABA_CLOUD_ACCESS_KEY_ID / ALIBABA_CLOUD_ACCESS_KEY_SECRET）。"
            )
        timeout_ms = int(getattr(settings, "SMS_TIMEOUT", 10)) * 1000
        return Client(
            Config(
                access_key_id=key_id,
                access_key_secret=secret,
                endpoint=settings.SMS_ALIYUN_ENDPOINT,
                region_id=settings.SMS_ALIYUN_REGION,
                protocol=getattr(settings, "SMS_ALIYUN_PROTOCOL", "https"),
                connect_timeout=timeout_ms,
                read_timeout=timeout_ms,
            )
        )

    def send(self, phone: str, text: str) -> None:
        raise SMSGiveUp("阿里云短信只能发送已备案的模板，不能发送自由文本。")

    def send_template(self, phone: str, template: str, params: dict, text: str, ref: str = "") -> None:
        from alibabacloud_dysmsapi20170525 import models
        from alibabacloud_tea_openapi.exceptions import AlibabaCloudException

        code = code_for(template)
        if not code:
            raise SMSGiveUp(f"短信模板“{template}”未配置模板编号（SMS_TEMPLATE_{template.upper()}）。")
        request = models.SendSmsRequest(
            phone_numbers=phone,
            sign_name=settings.SMS_SIGN,
            template_code=code,
            template_param=json.dumps(params, ensure_ascii=False) if params else None,
            out_id=ref or None,  # the outbox id, echoed in the delivery receipt
        )
        try:
            response = self.client().send_sms(request)
        except AlibabaCloudException as error:
            raise classify(error.code or "", error.message or "") from error
        except SMSError:
            raise
        except Exception as error:  # network, timeout, a malformed answer: try again later
            raise SMSError(f"阿里云短信接口不可达：{type(error).__name__}: {error}") from error
        body = response.body
        if (body.code or "") != "OK":
            raise classify(body.code or "", body.message or "")
