// The stage's defaults, in a module of their own with no imports: cli-prestart.ts reads them before
// anything else loads, to fork the template compiler for the stage and region `npm start` will use.

export interface StageSettings {
  stage: string;
  region: string;
  accountId: string;
  port: number;
}

export const DEFAULTS: Readonly<StageSettings> = {
  stage: 'local',
  region: 'us-east-1',
  accountId: '000000000000',
  port: 4577,
};
