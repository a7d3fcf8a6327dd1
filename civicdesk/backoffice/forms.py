"""Forms of the back office. They parse and show input; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from civicdesk.accounts.models import User
from civicdesk.activities.models import ActivityStatus
from civicdesk.backoffice.queries import InboxFilters
from civicdesk.catalogue.models import IssueType
from civicdesk.issues.models import Status
from civicdesk.places.models import Area
from civicdesk.sla.deadlines import SlaState
from civicdesk.slawatch.models import EscalationRule
from civicdesk.units.models import BusinessUnit, Programme

LOCAL_MINUTE = "%Y-%m-%dT%H:%M"


class LocalDateTimeField(forms.DateTimeField):
    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_MINUTE)

    def __init__(self, **kwargs) -> None:
        super().__init__(input_formats=[LOCAL_MINUTE, "%Y-%m-%d %H:%M"], **kwargs)


class BasedOnForm(forms.Form):
    """A form that carries the values and the version it was filled from (hidden inputs),
    so that saving writes only the fields the user changed and the service can tell which
    of them someone else changed meanwhile (activities.conflicts)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.show_hidden_initial = name != "version"

    def edits(self) -> dict:
        """The changes, the values they were made from and the version read, as keyword
        arguments of the service. A form posted without a version (a page from before
        versions) counts every field as changed: its values win, as they used to."""
        version = self.cleaned_data.get("version")
        names = [name for name in self.fields if name != "version"]
        if version is None:
            return {"changes": {name: self.cleaned_data[name] for name in names}}
        changed = [name for name in names if name in self.changed_data]
        return {
            "changes": {name: self.cleaned_data[name] for name in changed},
            "base": {name: self._read_value(name) for name in changed},
            "version": version,
        }

    def _read_value(self, name: str):
        bound, field = self[name], self.fields[name]
        raw = field.hidden_widget().value_from_datadict(
            self.data, self.files, bound.html_initial_name
        )
        try:
            return field.to_python(raw)
        except forms.ValidationError:
            return None

    def rebased(self, current: dict, version: int) -> "BasedOnForm":
        """The same form as posted, now based on the current values and version: saving
        it again replaces what was changed meanwhile."""
        data = self.data.copy()
        data["version"] = str(version)
        for name, value in current.items():
            field = self.fields[name]
            shown = field.hidden_widget().format_value(field.prepare_value(value))
            key = self[name].html_initial_name
            if isinstance(shown, list):
                data.setlist(key, shown)
            else:
                data[key] = "" if shown is None else shown
        form = type(self)(data, **self.rebuild_kwargs)
        form.is_valid()
        return form


class DateInput(forms.DateInput):
    input_type = "date"


class InboxFilterForm(forms.Form):
    issue_type = forms.ModelChoiceField(
        IssueType.objects.none(), required=False, empty_label=_("All types"), label=_("Type")
    )
    area = forms.ModelChoiceField(
        Area.objects.none(), required=False, empty_label=_("All areas"), label=_("Area")
    )
    status = forms.ChoiceField(
        choices=[("open", _("Open")), ("all", _("All")), *Status.choices],
        required=False,
        label=_("Status"),
    )
    sla = forms.ChoiceField(
        choices=[
            ("", _("Any SLA state")),
            (SlaState.BREACHED.value, _("Breached")),
            (SlaState.AT_RISK.value, _("At risk")),
            (SlaState.ON_TRACK.value, _("On track")),
        ],
        required=False,
        label=_("SLA"),
    )
    activity = forms.ChoiceField(
        choices=[
            ("", _("With or without activity")),
            ("none", _("Awaiting an activity")),
            ("linked", _("In an activity")),
        ],
        required=False,
        label=_("Activity"),
    )
    since = forms.DateField(required=False, widget=DateInput, label=_("Reported from"))
    until = forms.DateField(required=False, widget=DateInput, label=_("to"))
    sort = forms.ChoiceField(
        choices=[
            ("risk", _("SLA risk")),
            ("pushes", _("Most pushed")),
            ("oldest", _("Oldest first")),
            ("newest", _("Newest first")),
        ],
        required=False,
        label=_("Sort by"),
    )

    def __init__(self, data, *, jurisdiction_id: int) -> None:
        super().__init__(data)
        self.fields["issue_type"].queryset = IssueType.objects.filter(
            jurisdiction_id=jurisdiction_id
        ).only("id", "name")
        self.fields["area"].queryset = Area.objects.filter(jurisdiction_id=jurisdiction_id).only(
            "id", "name"
        )

    def filters(self) -> InboxFilters:
        if not self.is_valid():
            return InboxFilters()
        data = self.cleaned_data
        return InboxFilters(
            issue_type_id=data["issue_type"].pk if data["issue_type"] else None,
            area_id=data["area"].pk if data["area"] else None,
            status=data["status"] or "open",
            sla_state=data["sla"],
            since=data["since"],
            until=data["until"],
            activity=data["activity"],
            sort=data["sort"] or "risk",
        )


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Internal note"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Staff and dispatch only; citizens never see notes."),
    )


class RequestInfoForm(forms.Form):
    question = forms.CharField(
        label=_("Question to the reporter"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sent to the reporter; the SLA clock pauses until they answer."),
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The citizen reads this reason."),
    )


class EscalateForm(forms.Form):
    note = forms.CharField(
        label=_("What is stuck"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RouteForm(forms.Form):
    unit = forms.ModelChoiceField(BusinessUnit.objects.none(), label=_("Route to"))
    provider_reference = forms.CharField(
        label=_("Provider's reference number"),
        required=False,
        max_length=100,
        help_text=_("The number the unit or outside provider gave this issue, if any."),
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)

    def __init__(self, *args, jurisdiction_id: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = BusinessUnit.objects.filter(jurisdiction_id=jurisdiction_id)
        self.fields["unit"].label_from_instance = lambda unit: (
            f"{unit.name} ({_('outside provider')})" if unit.is_external else unit.name
        )


class FollowUpForm(forms.Form):
    contacted = forms.CharField(label=_("Who was contacted"), max_length=200)
    contacted_at = LocalDateTimeField(
        label=_("When"), required=False, help_text=_("Leave empty for now.")
    )
    promised = forms.CharField(
        label=_("What was promised"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    promised_for = forms.DateField(label=_("Promised by"), required=False, widget=DateInput)


class ActivityForm(BasedOnForm):
    """Creating an activity, or editing its internal details (without the programme)."""

    programme = forms.ModelChoiceField(Programme.objects.none(), label=_("Programme"))
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description (internal)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    public_summary = forms.CharField(
        label=_("Public summary of actions taken"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Citizens following the linked issues see this."),
    )
    scheduled_start = LocalDateTimeField(label=_("Scheduled start"), required=False)
    scheduled_end = LocalDateTimeField(label=_("Scheduled end"), required=False)
    assignees = forms.ModelMultipleChoiceField(
        User.objects.none(),
        label=_("Assigned staff"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, programmes, staff, editing: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.rebuild_kwargs = {"programmes": programmes, "staff": staff, "editing": editing}
        self.fields["programme"].queryset = programmes
        self.fields["assignees"].queryset = staff
        self.fields["assignees"].label_from_instance = lambda user: (
            user.get_full_name() or user.get_username()
        )
        if editing:
            del self.fields["programme"]
            del self.fields["public_summary"]


class ActivityProgressForm(BasedOnForm):
    rebuild_kwargs: dict = {}
    status = forms.ChoiceField(label=_("Status"), choices=ActivityStatus.choices)
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    public_summary = forms.CharField(
        label=_("Public summary of actions taken"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Every reporter and pusher of the linked issues is alerted."),
    )


class CancelActivityForm(forms.Form):
    reason = forms.CharField(label=_("Why is it cancelled? (internal)"), max_length=1000)


class EscalationRuleForm(forms.ModelForm):
    class Meta:
        model = EscalationRule
        fields = ["clock", "after", "repeat_every", "recipient", "user", "email"]
        labels = {
            "clock": _("Deadline"),
            "after": _("After the breach (hh:mm:ss, or days hh:mm:ss)"),
            "repeat_every": _("Repeat every (empty: once)"),
            "recipient": _("Who is told"),
            "user": _("Staff member"),
            "email": _("E-mail address"),
        }

    def __init__(self, *args, members, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = members
        self.fields["user"].required = False
