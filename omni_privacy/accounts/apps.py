from typing import Any

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "omni_privacy.accounts"
    label = "accounts"

    def ready(self) -> None:
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from omni_privacy.accounts import signin
        from omni_privacy.accounts.middleware import signed_in_now

        def failed(
            sender: Any,  # noqa: ARG001 - the signal passes it by name
            credentials: dict[str, Any],
            request: Any = None,
            **_: Any,
        ) -> None:
            if request is not None:  # a web sign-in (the CLI authenticates without a request)
                signin.signin_failed(
                    username=credentials.get("username"),
                    request=request,
                    locked=bool(getattr(request, "axes_locked_out", False)),
                )

        def locked(
            sender: Any,  # noqa: ARG001
            request: Any = None,
            username: Any = None,
            **_: Any,
        ) -> None:
            signin.signin_locked_out(username=username, request=request)

        def logged_in(sender: Any, request: Any = None, **_: Any) -> None:  # noqa: ARG001
            if request is not None and hasattr(request, "session"):
                signed_in_now(request)

        user_logged_in.connect(logged_in, dispatch_uid="omni_signin_idle_clock", weak=False)
        user_login_failed.connect(failed, dispatch_uid="omni_signin_failed", weak=False)
        user_locked_out.connect(locked, dispatch_uid="omni_signin_locked", weak=False)
