"""Personal access tokens on the profile: list, create (the secret shown once) and revoke."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, SelectChoice, StringField, SubmitField
from wtforms.validators import InputRequired, Length, NumberRange

from committees.db import db, utcnow
from committees.errors import DomainError
from committees.models import TokenScope
from committees.services import tokens
from portal.extensions import limiter
from portal.forms import apply_domain_error
from portal.loaders import ensure, user
from portal.people import bp


class TokenForm(FlaskForm):
    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=tokens.MAX_NAME)],
                       description=_l("What the token is for, e.g. 'Service map sync'."))
    scope = RadioField(_l("Access"), choices=[SelectChoice(TokenScope.READ.value, _l("Read only")),
                                              SelectChoice(TokenScope.WRITE.value, _l("Read and write"))],
                       default=TokenScope.READ.value)
    expires_days = IntegerField(_l("Expires after (days)"), default=tokens.DEFAULT_DAYS,
                                validators=[InputRequired(), NumberRange(1, tokens.MAX_DAYS)])
    submit = SubmitField(_l("Create token"))


def _page(form: TokenForm | None = None, status: int = 200):
    me = user()
    now = utcnow()
    rows = [(token, token.is_valid(now)) for token in tokens.list_tokens(me)]
    return render_template("people/tokens.html", form=form or TokenForm(formdata=None), rows=rows), status


@bp.route("/profile/tokens")
@login_required
def list_tokens():
    ensure("profile.edit")
    return _page()


@bp.route("/profile/tokens", methods=["POST"])
@login_required
@limiter.limit(lambda: current_app.config["TOKEN_LIMIT_PER_ADDRESS"], methods=["POST"])
def create_token():
    ensure("profile.edit")
    form = TokenForm()
    if not form.validate_on_submit():
        return _page(form, 400)
    me = user()
    try:
        token, raw = tokens.create_token(me, me, name=form.name.data, scope=form.scope.data,
                                         expires_days=form.expires_days.data)
    except DomainError as error:
        db.session.rollback()
        apply_domain_error(form, error)
        return _page(form, error.status)
    db.session.commit()
    response = current_app.make_response(render_template("people/tokens_created.html", token=token, secret=raw))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/profile/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id: int):
    ensure("profile.edit")
    token = tokens.get_token_of(user(), token_id)
    if token is None:
        return _page(status=404)[0], 404
    tokens.revoke_token(user(), token)
    db.session.commit()
    flash(_("The token '%(name)s' was revoked.", name=token.name), "success")
    return redirect(url_for("people.list_tokens"))
