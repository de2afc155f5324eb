// Test support (imported only by tests). jsdom's Blob/File lack arrayBuffer(), text() and stream(),
// which browsers have and which Node's fetch needs to serialise a FormData body; MSW turns an
// XMLHttpRequest into such a fetch Request. These add them, reading the bytes with jsdom's FileReader.
function readBlob(blob: Blob): Promise<ArrayBuffer> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result as ArrayBuffer);
    reader.onerror = () => reject(reader.error);
    reader.readAsArrayBuffer(blob);
  });
}

type BlobMethods = { arrayBuffer?: unknown; text?: unknown; stream?: unknown };

export function installBlobMethods() {
  const proto = Blob.prototype as BlobMethods;
  proto.arrayBuffer ??= function (this: Blob) {
    return readBlob(this);
  };
  proto.text ??= async function (this: Blob) {
    return new TextDecoder().decode(await readBlob(this));
  };
  proto.stream ??= function (this: Blob) {
    const blob = this;
    return new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(new Uint8Array(await readBlob(blob)));
        controller.close();
      },
    });
  };
}

/** A small image-like file; `size` can be faked to test the size limit without allocating it. */
export function imageFile(name: string, { type = "image/png", size }: { type?: string; size?: number } = {}): File {
  const file = new File([`fake ${name} bytes`], name, { type });
  if (size !== undefined) Object.defineProperty(file, "size", { value: size });
  return file;
}
