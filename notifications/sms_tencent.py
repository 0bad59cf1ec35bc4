"""Tencent Cloud SMS (腾讯云短信, API 2021-01-11) through its official SDK.

``SendSms`` with the SMS application's ``SmsSdkAppId`` (``SMS_TENCENT_APP_ID``), the registered
signature (``SMS_SIGN``), the kind's template id (``SMS_TEMPLATES[kind]``) and its parameters as
an ordered list (``TemplateParamSet``, in the order of the template's {1}, {2} …). The SDK signs
each request with TC3-HMAC-SHA256. The credentials are read from the environment when a message
is sent, never from settings or the database: ``TENCENTCLOUD_SECRET_ID`` and
``TENCENTCLOUD_SECRET_KEY`` (the SDK's own names).

A request-level error comes back as ``Response.Error.Code`` (the SDK raises it); a per-number
result is ``SendStatusSet[i].Code`` ("Ok" when accepted). ``classify`` says which codes are worth
retrying. The SDK has no retryer unless one is configured, so only the outbox retries.
"""

from __future__ import annotations

import os

from django.conf import settings

from notifications.sms import BaseSMSBackend, SMSError, SMSGiveUp
from notifications.sms_templates import TEMPLATES, code_for

GIVE_UP = {
    "InvalidParameterValue.IncorrectPhoneNumber": "手机号码格式错误",
    "FailedOperation.PhoneNumberInBlacklist": "号码在免打扰名单中",
    "FailedOperation.PhoneNumberParseFail": "号码解析失败",
    "FailedOperation.TemplateIncorrectOrUnapproved": "短信模板不存在或未审核通过",
    "FailedOperation.TemplateUnapprovedOrNotExist": "短信模板未审核通过或不存在",
    "FailedOperation.TemplateParamSetNotMatchApprovedTemplate": "模板参数与审核通过的模板不符",
    "FailedOperation.SignatureIncorrectOrUnapproved": "短信签名不存在或未审核通过",
    "FailedOperation.MissingSignature": "缺少短信签名",
    "FailedOperation.MissingTemplateToModify": "模板不存在",
    "FailedOperation.ContainSensitiveWord": "内容含敏感词",
    "InvalidParameterValue.TemplateParameterFormatError": "模板变量格式错误",
    "InvalidParameterValue.TemplateParameterLengthLimit": "模板变量超长",
    "InvalidParameterValue.ProhibitedUseUrlInTemplateParameter": "模板变量不能含网址",
    "InvalidParameterValue.SdkAppIdNotExist": "SmsSdkAppId 不存在",
    "InvalidParameterValue.ContentLengthLimit": "短信内容超长",
    "UnauthorizedOperation.SmsSdkAppIdVerifyFail": "SmsSdkAppId 校验失败",
    "UnauthorizedOperation.IndividualUserMarketingSmsPermissionDeny": "个人用户无此权限",
    "UnsupportedOperation.ContainDomesticAndInternationalPhoneNumber": "号码混合了境内外",
    "AuthFailure.SecretIdNotFound": "SecretId 不存在",
    "AuthFailure.SignatureFailure": "请求签名不匹配（SecretKey 错误）",
    "AuthFailure.UnauthorizedOperation": "CAM 权限不足",
    "AuthFailure.InvalidSecretId": "SecretId 无效",
}
RETRY = {
    "LimitExceeded.PhoneNumberThirtySecondLimit": "同一号码 30 秒内发送超限",
    "LimitExceeded.PhoneNumberOneHourLimit": "同一号码 1 小时内发送超限",
    "LimitExceeded.PhoneNumberDailyLimit": "同一号码当日发送超限",
    "LimitExceeded.PhoneNumberSameContentDailyLimit": "同一号码当日相同内容超限",
    "LimitExceeded.DailyLimit": "当日发送量超限",
    "LimitExceeded.DeliveryFrequencyLimit": "发送频率超限",
    "RequestLimitExceeded": "接口调用频率超限",
    "FailedOperation.InsufficientBalanceInSmsPackage": "套餐包余量不足",
    "InternalError.Timeout": "腾讯云内部超时",
    "InternalError.RequestTimeException": "请求时间与服务器时间偏差过大",
    "AuthFailure.SignatureExpire": "签名过期（服务器时钟偏差）",
    "ClientNetworkError": "网络错误",
}
GIVE_UP_PREFIXES = (
    "InvalidParameter",
    "AuthFailure",
    "UnauthorizedOperation",
    "UnsupportedOperation",
    "FailedOperation.Template",
    "FailedOperation.Signature",
)


def classify(code: str, message: str = "") -> SMSError:
    text = f"腾讯云短信 {code}：{GIVE_UP.get(code) or RETRY.get(code) or '未知错误'}（{message}）"
    give_up = code in GIVE_UP or (code not in RETRY and code.startswith(GIVE_UP_PREFIXES))
    return SMSGiveUp(text) if give_up else SMSError(text)


class TencentSMSBackend(BaseSMSBackend):
    provider = "tencent"
    label = "腾讯云短信"
    credential_env = ("TENCENTCLOUD_SECRET_ID", "TENCENTCLOUD_SECRET_KEY")
    required_settings = ("SMS_TENCENT_APP_ID",)
    max_length_cap = 500  # a long SMS (签名 + 正文) as the provider documents it; billed per 67 characters

    def client(self):
        from tencentcloud.common import credential
        from tencentcloud.common.profile.client_profile import ClientProfile
        from tencentcloud.common.profile.http_profile import HttpProfile
        from tencentcloud.sms.v20210111.sms_client import SmsClient

        secret_id, secret_key = (os.environ.get(name, "") for name in self.credential_env)
        if not (secret_id and secret_key):
            raise SMSError("腾讯云短信凭据未设置（环境变量 TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY）。")
        http = HttpProfile(
            protocol=getattr(settings, "SMS_TENCENT_PROTOCOL", "https"),
            endpoint=settings.SMS_TENCENT_ENDPOINT,
            reqTimeout=int(getattr(settings, "SMS_TIMEOUT", 10)),
        )
        return SmsClient(
            credential.Credential(secret_id, secret_key), settings.SMS_TENCENT_REGION, ClientProfile(httpProfile=http)
        )

    def send(self, phone: str, text: str) -> None:
        raise SMSGiveUp("腾讯云短信只能发送已备案的模板，不能发送自由文本。")

    def send_template(self, phone: str, template: str, params: dict, text: str, ref: str = "") -> None:
        from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
        from tencentcloud.sms.v20210111 import models

        code = code_for(template)
        if not code:
            raise SMSGiveUp(f"短信模板“{template}”未配置模板 ID（SMS_TEMPLATE_{template.upper()}）。")
        request = models.SendSmsRequest()
        request.PhoneNumberSet = [f"+86{phone}"]
        request.SmsSdkAppId = settings.SMS_TENCENT_APP_ID
        request.SignName = settings.SMS_SIGN
        request.TemplateId = code
        request.TemplateParamSet = [str(params.get(name, "")) for name in TEMPLATES[template].params]
        request.SessionContext = ref  # the outbox id, echoed in the delivery receipt
        try:
            response = self.client().SendSms(request)
        except TencentCloudSDKException as error:
            raise classify(error.code or "", error.message or "") from error
        except SMSError:
            raise
        except Exception as error:
            raise SMSError(f"腾讯云短信接口不可达：{type(error).__name__}: {error}") from error
        statuses = response.SendStatusSet or []
        if not statuses:
            raise SMSError("腾讯云短信返回中没有发送状态。")
        status = statuses[0]
        if (status.Code or "") != "Ok":
            raise classify(status.Code or "", status.Message or "")
