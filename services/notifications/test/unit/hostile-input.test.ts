import {
  expectExplainedAnswer,
  hostileText,
  jsonBodies,
  propertyParameters,
} from '@internal-apis/lambda-http/property-testing';
import { invoke, jsonPost, recordingLogger } from '@internal-apis/lambda-http/testing';
import { ada, fakeUsersClient } from '@internal-apis/users/client-testing';
import fc from 'fast-check';
import { sendWelcomeHandler } from '../../src/handlers/send-welcome';
import { createNotifications } from '../../src/notifications';
import { FakeDocumentClient } from './fakes';

// In process, every kind of body POST /notifications/welcome may be sent: no answer is a 5xx, every
// 400 names its fields, and a message is recorded only when the route answered 201. The same
// property runs over signed HTTP against the local stage in test/integration/endpoint-properties.test.ts.

test('POST /notifications/welcome answers any body with 201, 400 naming fields, 413 or 422', async () => {
  await fc.assert(
    fc.asyncProperty(
      jsonBodies({ userId: fc.oneof(fc.constant(ada.id), fc.uuid(), hostileText()) }),
      async (body) => {
        const db = new FakeDocumentClient();
        const notifications = createNotifications({
          tableName: 'outbox-test',
          documentClient: db,
          users: fakeUsersClient([ada]),
        });
        const handler = sendWelcomeHandler({ notifications, logger: recordingLogger() });

        const response = await invoke(handler, jsonPost('/notifications/welcome', body));

        expectExplainedAnswer(response.statusCode, response.body, 'POST /notifications/welcome');
        expect([201, 400, 413, 422]).toContain(response.statusCode);
        expect(db.commands).toHaveLength(response.statusCode === 201 ? 1 : 0);
      },
    ),
    propertyParameters({ numRuns: 150 }),
  );
});
