import yauzl from 'yauzl';

/**
 * The file names in a zip, as a deploy would unpack it.
 *
 * @example
 * await zipEntries('.serverless/getOrder.zip'); // ['src/handlers/get-order.js', 'src/handlers/get-order.js.map']
 */
export function zipEntries(file: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(error ?? new Error(`cannot open ${file}`));
      const names: string[] = [];
      zip.on('entry', (entry: yauzl.Entry) => {
        if (!entry.fileName.endsWith('/')) names.push(entry.fileName);
        zip.readEntry();
      });
      zip.on('end', () => resolve(names));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}
