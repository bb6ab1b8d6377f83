import * as z from 'zod';

/**
 * How a service's functions get their code, as the template compiler (bundle-plan-plugin.js) reports
 * it: bundled by the local stage with the esbuild options serverless-esbuild would use, or left to
 * serverless-esbuild / the framework, whose zips the stage then unpacks.
 */
export const bundlePlanSchema = z.discriminatedUnion('bundler', [
  z.object({
    bundler: z.literal('local-stage'),
    /** Folders between the service and serverless-esbuild's build folder (`.esbuild/.build`: 2). */
    buildDirDepth: z.number().int().min(2),
    /** esbuild options as serverless-esbuild passes them, without `entryPoints` and `outdir`. */
    esbuild: z.record(z.string(), z.unknown()),
    /** Each zip of the template (by file name), the functions it serves and the entries it bundles. */
    artifacts: z.array(
      z.object({
        name: z.string().min(1),
        functions: z.array(z.string()),
        entries: z.array(z.string().min(1)),
      }),
    ),
  }),
  z.object({ bundler: z.literal('serverless-esbuild'), reason: z.string() }),
  z.object({ bundler: z.literal('framework') }),
]);

export type BundlePlan = z.infer<typeof bundlePlanSchema>;
export type LocalBundlePlan = Extract<BundlePlan, { bundler: 'local-stage' }>;
export type PlannedArtifact = LocalBundlePlan['artifacts'][number];
