/** The inputs every case of the AWS SigV4 test suite uses (its README). */
export const SUITE_CREDENTIALS = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
} as const;
export const SUITE_REGION = 'us-east-1';
export const SUITE_SERVICE = 'service';
