import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { beforeAll, describe, expect, it } from "vitest";

import { apiUrl } from "@/test/api-url";
import { detectionProject, textProject, users } from "@/test/fixtures";
import { sessionHandlers } from "@/test/handlers";
import { renderAt } from "@/test/render";
import { server } from "@/test/server";

import { imageFile, installBlobMethods } from "./test-files";

beforeAll(installBlobMethods);

type Sent = { files: string[]; fields: Record<string, string>; csrf: string | null; texts: Record<string, string> };

async function readMultipart(request: Request): Promise<Sent> {
  const form = await request.formData();
  const sent: Sent = { files: [], fields: {}, csrf: request.headers.get("X-CSRFToken"), texts: {} };
  for (const [key, value] of form.entries()) {
    if (typeof value === "string") sent.fields[key] = value;
    else {
      sent.files.push(`${key}:${value.name}`);
      sent.texts[value.name] = await value.text();
    }
  }
  return sent;
}

describe("upload page, text project", () => {
  it("uploads a CSV file and shows the API's counts", async () => {
    document.cookie = "csrftoken=tok-upload";
    const requests: Sent[] = [];
    server.use(
      ...sessionHandlers(users.engineer, [textProject]),
      http.post(apiUrl("/projects/demo-text/items/"), async ({ request }) => {
        requests.push(await readMultipart(request));
        return HttpResponse.json({ created: 2, duplicates: 1, labelled: 2, holdout: 1 }, { status: 201 });
      }),
    );
    const { user } = renderAt("/projects/demo-text/upload");

    const input = await screen.findByLabelText("Choose a CSV or JSONL file", { selector: "input" });
    const csv = "text,label,split\nMy card was declined,billing,\nRefund please,billing,holdout\nCrash,technical,\n";
    await user.upload(input, new File([csv], "items.csv", { type: "text/csv" }));
    await user.click(screen.getByRole("button", { name: "Import items.csv" }));

    const summary = await screen.findByText("items.csv: imported.");
    const box = summary.closest("[role=status]") as HTMLElement;
    expect(within(box).getByText("Created").nextSibling).toHaveTextContent("2");
    expect(within(box).getByText("Duplicates (left unchanged)").nextSibling).toHaveTextContent("1");
    expect(within(box).getByText("Holdout").nextSibling).toHaveTextContent("1");
    expect(requests).toHaveLength(1);
    expect(requests[0].files).toEqual(["file:items.csv"]);
    expect(requests[0].texts["items.csv"]).toBe(csv);
    expect(requests[0].csrf).toBe("tok-upload");
  });

  it("shows a refused file's row errors as a table next to the file name", async () => {
    server.use(
      ...sessionHandlers(users.engineer, [textProject]),
      http.post(apiUrl("/projects/demo-text/items/"), () =>
        HttpResponse.json(
          {
            detail: "Row 2: text is empty. Nothing was imported.",
            errors: [
              { row: 2, error: "text is empty" },
              { row: 4, error: "unknown label 'refunds'; the project's labels are billing, technical" },
            ],
            error_count: 2,
          },
          { status: 400 },
        ),
      ),
    );
    const { user } = renderAt("/projects/demo-text/upload");

    const input = await screen.findByLabelText("Choose a CSV or JSONL file", { selector: "input" });
    await user.upload(input, new File(["text,label\n,billing\n"], "bad.csv", { type: "text/csv" }));
    await user.click(screen.getByRole("button", { name: "Import bad.csv" }));

    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("bad.csv: Nothing was imported. Row 2: text is empty.");
    const rows = within(within(alert).getByRole("table")).getAllByRole("row");
    expect(rows.map((row) => row.textContent)).toEqual([
      "RowError",
      "2text is empty",
      "4unknown label 'refunds'; the project's labels are billing, technical",
    ]);
  });

  it("refuses a file that is not CSV or JSONL before sending it", async () => {
    server.use(...sessionHandlers(users.engineer, [textProject]));
    const { user } = renderAt("/projects/demo-text/upload");
    const input = await screen.findByLabelText("Choose a CSV or JSONL file", { selector: "input" });
    // user.upload honours the accept attribute; a dropped file does not.
    fireEvent.drop(input.closest("[role=group]")!, { dataTransfer: { files: [new File(["x"], "notes.txt")] } });
    expect(await screen.findByRole("alert")).toHaveTextContent("notes.txt: choose a .csv or .jsonl file.");
    expect(screen.queryByRole("button", { name: /^Import notes/ })).not.toBeInTheDocument();
    await user.tab();
  });

  it("links every export format of the task", async () => {
    server.use(...sessionHandlers(users.engineer, [textProject]));
    renderAt("/projects/demo-text/upload");
    const link = await screen.findByRole("link", { name: "Download CSV" });
    expect(link).toHaveAttribute("href", apiUrl("/projects/demo-text/export/?format=csv"));
    expect(screen.getByRole("link", { name: "Download JSONL" })).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Download Label Studio JSON" })).toBeInTheDocument();
    expect(screen.queryByRole("link", { name: "Download YOLO zip" })).not.toBeInTheDocument();
  });
});

describe("upload page, detection project", () => {
  it("sends dropped images in one request with boxes and split, shows progress and the API's file error", async () => {
    const requests: Sent[] = [];
    let refuse = true;
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    server.use(
      ...sessionHandlers(users.engineer, [detectionProject]),
      http.post(apiUrl("/projects/demo-shapes/items/"), async ({ request }) => {
        requests.push(await readMultipart(request));
        await gate;
        if (refuse) {
          return HttpResponse.json({ detail: "x.gif: GIF images are not supported; use JPEG, PNG, WEBP, BMP." }, { status: 400 });
        }
        return HttpResponse.json({ created: 2, duplicates: 0, labelled: 2, holdout: 2, items: [7, 8] }, { status: 201 });
      }),
    );
    const { user } = renderAt("/projects/demo-shapes/upload");

    const zone = await screen.findByRole("group", { name: "Choose images" });
    fireEvent.drop(zone, {
      dataTransfer: { files: [imageFile("a.png"), imageFile("b.png"), imageFile("x.gif", { type: "image/gif" })] },
    });
    const boxes = { "a.png": [{ label: "circle", x: 1, y: 2, w: 10, h: 12 }], "b.png": [], "other.png": [] };
    await user.upload(
      screen.getByLabelText("Boxes file (optional)"),
      new File([JSON.stringify(boxes)], "boxes.json", { type: "application/json" }),
    );
    expect(await screen.findByText(/Not among the chosen images, so not sent: other.png/)).toBeInTheDocument();
    await user.selectOptions(screen.getByLabelText("Split"), "holdout");
    await user.type(screen.getByLabelText("Subject reference (optional)"), "cust-7");

    const table = screen.getByRole("table", { name: "Chosen images" });
    expect(within(table).getAllByRole("row")).toHaveLength(4);
    expect(within(table).getByText("a.png").closest("tr")).toHaveTextContent("1 box");
    expect(within(table).getByText("b.png").closest("tr")).toHaveTextContent("nothing here");

    await user.click(screen.getByRole("button", { name: "Upload 3 images" }));
    // While the request is out: the overall progress bar, the batch's status and a way to cancel.
    expect(await screen.findByRole("progressbar", { name: "Upload progress" })).toHaveAttribute("aria-valuenow", "0");
    expect(screen.getByRole("list", { name: "Batches" })).toHaveTextContent("Batch 1 of 1 (3 files) sending");
    expect(screen.getByRole("button", { name: "Cancel" })).toBeInTheDocument();
    await waitFor(() => expect(requests).toHaveLength(1));
    release();
    const gifRow = await waitFor(() => {
      const row = within(table).getByText("x.gif").closest("tr") as HTMLElement;
      expect(row).toHaveTextContent("x.gif: GIF images are not supported; use JPEG, PNG, WEBP, BMP.");
      return row;
    });
    expect(requests).toHaveLength(1);
    expect(requests[0].files).toEqual(["files:a.png", "files:b.png", "files:x.gif"]);
    expect(JSON.parse(requests[0].fields.boxes)).toEqual({ "a.png": boxes["a.png"], "b.png": [] });
    expect(requests[0].fields.split).toBe("holdout");
    expect(requests[0].fields.subject_ref).toBe("cust-7");
    expect(screen.getByRole("list", { name: "Batches" })).toHaveTextContent("Batch 1 of 1 (3 files) refused");

    refuse = false;
    await user.click(within(gifRow).getByRole("button", { name: "Remove x.gif" }));
    await user.click(screen.getByRole("button", { name: "Upload 2 images" }));

    expect(await screen.findByText("Imported.")).toBeInTheDocument();
    const progress = screen.getByRole("progressbar", { name: "Upload progress" });
    expect(progress.getAttribute("aria-valuenow")).toBe(progress.getAttribute("aria-valuemax"));
    expect(Number(progress.getAttribute("aria-valuemax"))).toBeGreaterThan(0);
    expect(requests).toHaveLength(2);
    expect(requests[1].files).toEqual(["files:a.png", "files:b.png"]);
    expect(within(table).getAllByText("stored")).toHaveLength(2);
  });

  it("splits more than 100 images into requests of at most 100 files", async () => {
    const batches: string[][] = [];
    server.use(
      ...sessionHandlers(users.engineer, [detectionProject]),
      http.post(apiUrl("/projects/demo-shapes/items/"), async ({ request }) => {
        const sent = await readMultipart(request);
        batches.push(sent.files);
        const n = sent.files.length;
        return HttpResponse.json({ created: n, duplicates: 0, labelled: 0, holdout: 0 }, { status: 201 });
      }),
    );
    const { user } = renderAt("/projects/demo-shapes/upload");
    const zone = await screen.findByRole("group", { name: "Choose images" });
    fireEvent.drop(zone, { dataTransfer: { files: Array.from({ length: 101 }, (_, i) => imageFile(`img-${i}.png`)) } });
    expect(screen.getByText(/101 to send in 2 requests/)).toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "Upload 101 images" }));
    await screen.findByText("Imported.", {}, { timeout: 25_000 });
    expect(batches.map((files) => files.length)).toEqual([100, 1]);
    expect(batches[1][0]).toBe("files:img-100.png");
    const list = screen.getByRole("list", { name: "Batches" });
    expect(within(list).getAllByText("stored")).toHaveLength(2);
    expect(screen.getByText("Created").nextSibling).toHaveTextContent("101");
  }, 30_000); // 101 multipart parts through jsdom are slow on a busy machine

  it("cancels an upload in flight", async () => {
    server.use(
      ...sessionHandlers(users.engineer, [detectionProject]),
      http.post(apiUrl("/projects/demo-shapes/items/"), () => new Promise<Response>(() => {})),
    );
    const { user } = renderAt("/projects/demo-shapes/upload");
    const input = await screen.findByLabelText("Choose images", { selector: "input" });
    await user.upload(input, [imageFile("a.png")]);
    await user.click(screen.getByRole("button", { name: "Upload 1 image" }));
    await user.click(await screen.findByRole("button", { name: "Cancel" }));

    await waitFor(() =>
      expect(screen.getByRole("list", { name: "Batches" })).toHaveTextContent("Batch 1 of 1 (1 file) cancelled"),
    );
    expect(screen.getByRole("button", { name: "Upload 1 image" })).toBeEnabled();
  });

  it("flags files over 20 MiB before sending", async () => {
    server.use(...sessionHandlers(users.engineer, [detectionProject]));
    const { user } = renderAt("/projects/demo-shapes/upload");
    const input = await screen.findByLabelText("Choose images", { selector: "input" });
    await user.upload(input, [imageFile("ok.png"), imageFile("huge.png", { size: 21 * 1024 * 1024 })]);

    const row = screen.getByText("huge.png").closest("tr") as HTMLElement;
    expect(row).toHaveTextContent("21.0 MiB is over the 20.0 MiB limit; it would be refused.");
    expect(screen.getByRole("button", { name: "Upload 2 images" })).toBeDisabled();
    await user.click(screen.getByRole("button", { name: "Remove 1 flagged" }));
    expect(screen.getByRole("button", { name: "Upload 1 image" })).toBeEnabled();
  });

  it("imports a COCO zip through /import/ and shows the result", async () => {
    let sent: Sent | null = null;
    server.use(
      ...sessionHandlers(users.engineer, [detectionProject]),
      http.post(apiUrl("/projects/demo-shapes/import/"), async ({ request }) => {
        sent = await readMultipart(request);
        return HttpResponse.json({ created: 106, duplicates: 0, labelled: 106, holdout: 0 }, { status: 201 });
      }),
    );
    const { user } = renderAt("/projects/demo-shapes/upload");
    await user.selectOptions(await screen.findByLabelText("Format"), "coco_zip");
    await user.upload(
      screen.getByLabelText("Choose a COCO zip file", { selector: "input" }),
      new File(["PK"], "shapes.zip", { type: "application/zip" }),
    );
    await user.click(screen.getByRole("button", { name: "Import as COCO zip" }));

    expect(await screen.findByText("shapes.zip: imported.")).toBeInTheDocument();
    expect(sent).toMatchObject({ fields: { format: "coco_zip" }, files: ["file:shapes.zip"] });
  });
});
