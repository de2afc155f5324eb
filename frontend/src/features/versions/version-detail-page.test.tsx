import { screen, waitFor, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { apiUrl } from "@/test/api-url";
import { detectionProject, page, textProject, users } from "@/test/fixtures";
import { sessionHandlers } from "@/test/handlers";
import { renderAt } from "@/test/render";
import { server } from "@/test/server";

import { mockChartSize } from "@/test/chart-size";
import { detectionVersion, textVersions } from "./test-fixtures";

function serveVersions(slug: string, versions: object[]) {
  server.use(
    http.get(apiUrl(`/projects/${slug}/model-versions/`), () => HttpResponse.json(page(versions))),
  );
}

beforeEach(() => {
  mockChartSize();
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe("version detail", () => {
  it("shows a text version's confusion matrix, per-class scores, folds and model card", async () => {
    server.use(...sessionHandlers(users.auditor, [textProject]));
    serveVersions("demo-text", textVersions());
    renderAt("/projects/demo-text/versions/12");

    expect(await screen.findByRole("heading", { name: "Model version v2" }, { timeout: 5000 })).toBeInTheDocument();
    expect(screen.getByText("F1 (macro) (promotion)").nextElementSibling).toHaveTextContent("0.690");
    // The serving champion's gate still records awaiting_approval from training time: the box says what holds
    // now, and the comparison with v1 is history, not a stale approval.
    expect(screen.getByText(/^Decision: Promoted \(approved by engineer on .+\)$/)).toBeInTheDocument();
    expect(screen.queryByText(/waiting for a human approval/)).not.toBeInTheDocument();
    expect(screen.getByText("The gate said").nextElementSibling).toHaveTextContent("passed; waited for a human approval");
    expect(screen.queryByText(/This comparison was with/)).not.toBeInTheDocument();

    const matrix = screen.getByRole("table", { name: /Confusion matrix on the holdout/ });
    const header = within(matrix).getAllByRole("columnheader").map((h) => h.textContent);
    expect(header).toEqual(["Predicted label", "True label", "billing", "technical", "shipping", "account", "product_question"]);
    const technical = within(matrix).getByRole("row", { name: /^technical/ });
    expect(within(technical).getAllByRole("cell").map((c) => c.textContent)).toEqual(["9", "88", "7", "11", "5"]);
    expect(within(technical).getAllByRole("cell")[1]).toHaveAttribute("title", "true technical, predicted technical: 88 (73% of technical)");
    expect(matrix).toHaveTextContent("465 of 600 correct.");

    const perClass = screen.getByRole("table", { name: "Precision, recall and F1 per class on the holdout" });
    expect(within(perClass).getByRole("row", { name: /^shipping/ })).toHaveTextContent("shipping0.6700.7100.680120");

    expect(screen.getByText(/3-fold cross-validation, mean ± std: F1 \(macro\) 0\.730 ± 0\.033; Accuracy 0\.740 ± 0\.033\./)).toBeInTheDocument();
    expect(screen.getAllByRole("row", { name: /^Fold 2 100 50 0\.690/ })).toHaveLength(1);

    const card = screen.getByRole("region", { name: "Model card of v2" });
    expect(within(card).getByText("TF-IDF (word n-grams) + logistic regression (scikit-learn)")).toBeInTheDocument();
    expect(within(card).getByText("billing, technical, shipping, account, product_question")).toBeInTheDocument();
    expect(within(card).getByRole("heading", { name: "Limitations" })).toBeInTheDocument();
    expect(within(card).getByText("Promotion needs a passing gate and a human approval.")).toBeInTheDocument();
  });

  it("shows a detection version's per-class AP and per-epoch curves", async () => {
    server.use(...sessionHandlers(users.engineer, [detectionProject]));
    serveVersions("demo-shapes", [detectionVersion()]);
    renderAt("/projects/demo-shapes/versions/21");

    expect(await screen.findByRole("heading", { name: "Model version v1" }, { timeout: 5000 })).toBeInTheDocument();
    expect(screen.getByText("mAP50-95 (promotion)").nextElementSibling).toHaveTextContent("0.750");
    expect(screen.getByText(/Average precision per class on the holdout\. Weakest: triangle \(AP50-95 0\.678\)\./)).toBeInTheDocument();
    const ap = screen.getByRole("table", { name: /Average precision per class/ });
    const rows = within(ap).getAllByRole("row").slice(1);
    expect(rows.map((row) => within(row).getAllByRole("cell").map((c) => c.textContent))).toEqual([
      ["circle", "0.947", "0.843"],
      ["square", "0.962", "0.728"],
      ["triangle", "0.890", "0.678"],
    ]);
    expect(screen.getByText(/Precision, recall and mAP over 3 epochs\. Last epoch: .*mAP50-95 0\.600/)).toBeInTheDocument();
    expect(screen.getByText(/Training \(solid\) and validation \(dashed\) losses over 3 epochs/)).toBeInTheDocument();
    expect(screen.queryByRole("heading", { name: "Confusion matrix" })).not.toBeInTheDocument(); // trained before it was kept
    expect(document.querySelectorAll(".recharts-responsive-container svg").length).toBeGreaterThanOrEqual(3);
  });

  it("shows a detection version's confusion matrix of boxes, with background", async () => {
    server.use(...sessionHandlers(users.engineer, [detectionProject]));
    const base = detectionVersion();
    const confusion_matrix = {
      labels: ["circle", "square", "triangle", "background"], unit: "boxes", min_iou: 0.5,
      matrix: [[5, 1, 0, 1], [0, 6, 0, 0], [0, 0, 4, 2], [1, 0, 0, 0]],
    };
    const version = { ...base, metrics: { ...base.metrics, confusion_matrix } };
    serveVersions("demo-shapes", [version]);
    renderAt("/projects/demo-shapes/versions/21");

    expect(await screen.findByRole("heading", { name: "Confusion matrix" }, { timeout: 5000 })).toBeInTheDocument();
    expect(screen.getByText(/Boxes on the holdout images, matched to the true boxes at IoU ≥ 0.5.*15 of 20 boxes right/)).toBeInTheDocument();
    expect(screen.getByRole("heading", { name: "Training per epoch" })).toBeInTheDocument();
  });

  it("downloads the model card as Markdown through the API", async () => {
    server.use(...sessionHandlers(users.auditor, [textProject]));
    serveVersions("demo-text", textVersions());
    let format: string | null = null;
    server.use(
      http.get(apiUrl("/model-versions/12/model-card/"), ({ request }) => {
        format = new globalThis.URL(request.url).searchParams.get("format");
        return new HttpResponse("# Model card", {
          headers: { "Content-Type": "text/markdown", "Content-Disposition": 'attachment; filename="demo-text-v2-model-card.md"' },
        });
      }),
    );
    const created: Blob[] = [];
    URL.createObjectURL = vi.fn((blob: Blob) => {
      created.push(blob);
      return "blob:card";
    });
    URL.revokeObjectURL = vi.fn();
    const clicked: string[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this.download);
    });
    const { user } = renderAt("/projects/demo-text/versions/12");

    await user.click(await screen.findByRole("button", { name: "Download Markdown" }, { timeout: 5000 }));
    await waitFor(() => expect(clicked).toEqual(["demo-text-v2-model-card.md"]));
    expect(format).toBe("md");
    expect(await created[0].text()).toBe("# Model card");
  });

  it("says what happened to a rejected, an archived and an automatically promoted version", async () => {
    const versions = textVersions();
    versions[0] = {
      ...versions[0],
      status: "rejected",
      gate: { ...(versions[0].gate as object), decision: "rejected_by_human", rejected_reason: "misroutes VIP tickets" },
    };
    versions[1] = {
      ...versions[1],
      status: "champion",
      promoted_at: "2026-11-25T09:00:00Z",
      gate: { ...(versions[1].gate as object), passed: true, decision: "promoted", reason: "automatic: passed the promotion gate" },
    };
    versions[2] = { ...versions[2], status: "archived", rolled_back_at: "2026-11-26T09:00:00Z" };
    server.use(...sessionHandlers(users.auditor, [textProject]));
    serveVersions("demo-text", versions);

    const v4 = renderAt("/projects/demo-text/versions/14");
    expect(await screen.findByText("Decision: Rejected by a human: misroutes VIP tickets", {}, { timeout: 5000 })).toBeInTheDocument();
    // The gate's comparison had passed; a person decided otherwise, and the box is marked as a rejection.
    expect(screen.getByText("Comparison").nextElementSibling).toHaveTextContent("passed");
    expect(document.querySelector(".gate-box")).toHaveClass("gate-failed");
    v4.unmount();

    const v3 = renderAt("/projects/demo-text/versions/13");
    expect(await screen.findByText(/^Decision: Promoted automatically on .+/, {}, { timeout: 5000 })).toBeInTheDocument();
    expect(screen.queryByText("The gate said")).not.toBeInTheDocument();
    v3.unmount();

    const v2 = renderAt("/projects/demo-text/versions/12");
    expect(await screen.findByText(/^Decision: Archived: rolled back on .+/, {}, { timeout: 5000 })).toBeInTheDocument();
    v2.unmount();

    renderAt("/projects/demo-text/versions/11");
    expect(await screen.findByText(/^Decision: Archived: served from .+ until a newer version replaced it$/, {}, { timeout: 5000 })).toBeInTheDocument();
    expect(screen.queryByText(/waiting for a human approval/)).not.toBeInTheDocument();
  });

  it("links the MLflow run where the backend knows the MLflow UI, and only offers the id otherwise", async () => {
    server.use(...sessionHandlers(users.auditor, [textProject]));
    const versions = textVersions().map((v) => ({ ...v, mlflow_run_url: `http://mlflow.local:5000/#/runs/${v.mlflow_run_id}` }));
    serveVersions("demo-text", versions);
    const linked = renderAt("/projects/demo-text/versions/12");
    const link = await screen.findByRole("link", { name: /MLflow run run2/ }, { timeout: 5000 });
    expect(link).toHaveAttribute("href", `http://mlflow.local:5000/#/runs/${versions.find((v) => v.id === 12)!.mlflow_run_id}`);
    linked.unmount();

    serveVersions("demo-text", textVersions());
    renderAt("/projects/demo-text/versions/12");
    await screen.findByRole("heading", { name: "Model version v2" }, { timeout: 5000 });
    expect(screen.queryByRole("link", { name: /MLflow run/ })).not.toBeInTheDocument();
    expect(screen.getByRole("button", { name: /Copy MLflow run id run2/ })).toBeInTheDocument();
  });

  it("says when the version does not exist", async () => {
    server.use(...sessionHandlers(users.auditor, [textProject]));
    serveVersions("demo-text", textVersions());
    renderAt("/projects/demo-text/versions/999");
    expect(await screen.findByRole("alert", {}, { timeout: 5000 })).toHaveTextContent("There is no model version 999 in this project.");
  });
});
