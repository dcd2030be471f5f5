"""System operations run by an operator at the console (no signed-in actor)."""

from __future__ import annotations

from painpath.domain.accounts import Role, User
from painpath.domain.errors import Conflict
from painpath.services.accounts import NewUser, validate_password
from painpath.services.context import ServiceContext

__all__ = ["create_staff_user"]


def create_staff_user(
    ctx: ServiceContext, *, email: str, name: str, role: Role, clinic_name: str, password: str
) -> User:
    validate_password(password)
    with ctx.uow_factory() as uow:
        clinic = uow.clinics.by_name(clinic_name) or uow.clinics.add(clinic_name)
        if uow.users.by_email(email) is not None:
            raise Conflict("an account with this email already exists")
        new = NewUser(email=email, name=name, role=role, password=password)
        user = uow.users.add(
            clinic_id=clinic.id,
            email=new.email,
            name=new.name,
            role=new.role,
            password_hash=ctx.hasher.hash(new.password),
        )
        uow.audit.append(
            action="system.user.create",
            actor_user_id=None,
            actor_role="system",
            clinic_id=clinic.id,
            detail={"user_id": user.id, "role": role.value},
        )
        uow.commit()
    return user
