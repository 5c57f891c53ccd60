"""Benchmark pages: create and edit a benchmark, move it to the trash, record and remove its
dated progress (in the benchmarks section, which htmx swaps in place)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from cityweave.partnerships import benchmarks, services
from cityweave.partnerships.forms import BenchmarkForm, BenchmarkProgressForm
from cityweave.partnerships.models import Benchmark, Partnership
from cityweave.partnerships.sections import get_section, render_section
from cityweave.partnerships.views import render_detail
from cityweave.web.mixins import TrashView, WorkspaceView, apply_validation_error


def _section_url(partnership: Partnership) -> str:
    return f"{partnership.get_absolute_url()}#benchmarks"


class BenchmarkFormView(WorkspaceView):
    """Create a benchmark (no benchmark_id) or edit one."""

    writes = True

    def load(self, pk: int, benchmark_id: int | None) -> tuple[Partnership, Benchmark | None]:
        partnership = services.get_partnership(self.member, pk)
        if benchmark_id is None:
            return partnership, None
        return partnership, benchmarks.get_benchmark(self.member, partnership, benchmark_id)

    def get(self, request: HttpRequest, pk: int, benchmark_id: int | None = None) -> HttpResponse:
        partnership, benchmark = self.load(pk, benchmark_id)
        form = BenchmarkForm(instance=benchmark, member=self.member)
        return self.render_page(request, partnership, benchmark, form)

    def post(self, request: HttpRequest, pk: int, benchmark_id: int | None = None) -> HttpResponse:
        partnership, benchmark = self.load(pk, benchmark_id)
        form = BenchmarkForm(request.POST, instance=benchmark, member=self.member)
        if form.is_valid():
            try:
                saved = benchmarks.save_benchmark(
                    self.member, partnership, form.service_data(), benchmark
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, f"Saved the benchmark “{saved}”.")
                return redirect(_section_url(partnership))
        return self.render_page(request, partnership, benchmark, form, status=422)

    def render_page(
        self,
        request: HttpRequest,
        partnership: Partnership,
        benchmark: Benchmark | None,
        form: BenchmarkForm,
        status: int = 200,
    ) -> HttpResponse:
        context = {"form": form, "partnership": partnership, "benchmark": benchmark}
        return render(request, "partnerships/benchmark_form.html", context, status=status)


class BenchmarkTrashView(TrashView):
    """Move a benchmark, with its progress, to the trash."""

    def get(self, request: HttpRequest, pk: int, benchmark_id: int) -> HttpResponse:  # type: ignore[override]
        self.partnership = services.get_partnership(self.member, pk)
        return super().get(request, benchmark_id)

    def post(self, request: HttpRequest, pk: int, benchmark_id: int) -> HttpResponse:  # type: ignore[override]
        self.partnership = services.get_partnership(self.member, pk)
        return super().post(request, benchmark_id)

    def get_record(self, pk: int) -> Benchmark:
        return benchmarks.get_benchmark(self.member, self.partnership, pk)

    def consequence(self, record: Benchmark) -> str:
        return "Its progress entries go with it, and come back with it if it is restored."

    def trash(self, record: Benchmark) -> object:
        return benchmarks.trash_benchmark(self.member, record)

    def success_url(self, record: Benchmark) -> str:
        return _section_url(self.partnership)

    def cancel_url(self, record: Benchmark) -> str:
        return _section_url(self.partnership)


class BenchmarkProgressView(WorkspaceView):
    """Record a measurement: htmx swaps the benchmarks section; without JavaScript the page
    reloads (or comes back with the form's errors)."""

    def post(self, request: HttpRequest, pk: int, benchmark_id: int) -> HttpResponse:
        partnership = services.get_partnership(self.member, pk)
        benchmark = benchmarks.get_benchmark(self.member, partnership, benchmark_id)
        form = BenchmarkProgressForm(request.POST, benchmark=benchmark)
        if form.is_valid():
            try:
                benchmarks.record_progress(self.member, benchmark, **form.service_data())
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                if request.headers.get("HX-Request"):
                    return render_section(request, self.member, partnership, "benchmarks")
                messages.success(request, "Progress recorded.")
                return redirect(_section_url(partnership))
        context = get_section("benchmarks").context(self.member, partnership)
        for row in context["benchmark_rows"]:
            if row["benchmark"].pk == benchmark.pk:
                row["form"] = form
        if request.headers.get("HX-Request"):
            # htmx 2 does not swap 4xx responses: the section with its inline errors comes as 200.
            return render_section(request, self.member, partnership, "benchmarks", context=context)
        given = {"benchmarks": context}
        return render_detail(request, self.member, partnership, status=422, given=given)


class BenchmarkProgressDeleteView(WorkspaceView):
    """Remove a measurement recorded by mistake."""

    def post(self, request: HttpRequest, pk: int, benchmark_id: int, entry_id: int) -> HttpResponse:
        partnership = services.get_partnership(self.member, pk)
        benchmark = benchmarks.get_benchmark(self.member, partnership, benchmark_id)
        benchmarks.delete_progress(self.member, benchmark, entry_id)
        if request.headers.get("HX-Request"):
            return render_section(request, self.member, partnership, "benchmarks")
        messages.success(request, "Progress entry removed.")
        return redirect(_section_url(partnership))
