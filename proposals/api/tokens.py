"""API tokens: log in with username/password for a hashed, expiring knox token; log out; revocation.

A token dies with the password it was issued against: changing the password or disabling the
account deletes every token of the user (the receivers below run on any save of a User).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.db import transaction
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from drf_spectacular.utils import extend_schema, inline_serializer
from knox.models import AuthToken
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from proposals import audit

from .errors import ErrorSerializer

User = get_user_model()


class LoginSerializer(serializers.Serializer):
    username = serializers.CharField(label="用户名")
    password = serializers.CharField(label="密码", style={"input_type": "password"}, trim_whitespace=False)

    def validate(self, attrs):
        user = authenticate(self.context.get("request"), username=attrs["username"], password=attrs["password"])
        if user is None or not user.is_active:
            raise serializers.ValidationError("用户名或密码不正确，或账号已停用。", code="invalid_credentials")
        attrs["user"] = user
        return attrs


TokenSerializer = inline_serializer(
    "Token", {"token": serializers.CharField(), "expiry": serializers.DateTimeField()}
)


class TokenView(APIView):
    """用户名和密码换取令牌；在请求头中使用 `Authorization: Token <token>`。"""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "api_token"

    @extend_schema(operation_id="auth_token_create", request=LoginSerializer, tags=["auth"],
                   responses={200: TokenSerializer, 400: ErrorSerializer, 429: ErrorSerializer})
    def post(self, request):
        serializer = LoginSerializer(data=request.data, context={"request": request})
        if not serializer.is_valid():
            username = request.data.get("username", "") if hasattr(request.data, "get") else ""
            with transaction.atomic():
                audit.record("api_login", actor_label=str(username)[:150], outcome="refused",
                             data={"reason": "invalid_credentials"})
            serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        with transaction.atomic():
            instance, token = AuthToken.objects.create(user, settings.REST_KNOX["TOKEN_TTL"])
            audit.record("api_login", actor=user, data={"token": instance.token_key})
        return Response({"token": token, "expiry": instance.expiry})


class LogoutView(APIView):
    """撤销当前令牌。"""

    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="auth_logout", request=None, tags=["auth"],
                   responses={204: None, 401: ErrorSerializer, 403: ErrorSerializer})
    def post(self, request):
        if isinstance(request.auth, AuthToken):
            request.auth.delete()
        return Response(status=204)


@receiver(pre_save, sender=User)
def _remember_credentials(sender, instance, **kwargs) -> None:
    if instance.pk is None:
        return
    old = User.objects.filter(pk=instance.pk).values("password", "is_active").first()
    instance._tokens_revoked = bool(old) and (
        old["password"] != instance.password or (old["is_active"] and not instance.is_active)
    )


@receiver(post_save, sender=User)
def _revoke_tokens(sender, instance, created, **kwargs) -> None:
    if not created and getattr(instance, "_tokens_revoked", False):
        AuthToken.objects.filter(user=instance).delete()
        instance._tokens_revoked = False
