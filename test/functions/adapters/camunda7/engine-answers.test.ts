import { describe, expect, it } from 'vitest';
import { classifyEngineAnswer, isPersistenceFault } from '#adapters/camunda7/engine-answers.ts';

/** Error bodies as Camunda 7's REST API (Operaton 1.0) answers them: `{type, message, code}`. */
const error = (type: string, message: string) => ({ type, message, code: 0 });

describe("Camunda 7's database faults", () => {
  it.each([
    ['OptimisticLockingException', 'ENGINE-03005 Execution of UPDATE ExecutionEntity failed'],
    [
      'ProcessEngineException',
      '### Error querying database.  Cause: org.h2.jdbc.JdbcSQLNonTransientConnectionException: Database is already closed (to disable automatic closing at VM shutdown, add ";DB_CLOSE_ON_EXIT=FALSE" to the db URL) [90121-232]',
    ],
    [
      'ProcessEngineException',
      'Could not open JDBC Connection for transaction; nested exception is java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available, request timed out after 30000ms.',
    ],
    [
      'PersistenceException',
      '### Error updating database. Cause: java.sql.SQLException: Connection is closed',
    ],
    ['ProcessEngineException', 'Communications link failure: the last packet sent successfully was 0 ms ago'],
    ['ProcessEngineException', 'Timeout trying to lock table "ACT_RU_EXECUTION"'],
    ['ProcessEngineException', 'ERROR: deadlock detected'],
  ])('a 500 %s "%s" is transient, not a refusal of the item', (type, message) => {
    expect(isPersistenceFault(type, message)).toBe(true);
    expect(classifyEngineAnswer(500, error(type, message), 'item')).toEqual({
      kind: 'transient',
      detail: message,
    });
  });

  it.each([
    [
      'ProcessEngineException',
      "ENGINE-13040 Historic process instance 'a' cannot be restarted. It is not completed or terminated.",
    ],
    [
      'ProcessEngineException',
      "ENGINE-23003 Process instance 'a' cannot be migrated. The process instance does not exist",
    ],
    ['ProcessEngineException', 'Referential integrity constraint violation: "ACT_FK_EXE_PROCINST"'],
    ['MigratingProcessInstanceValidationException', "ENGINE-23004 Cannot migrate process instance 'a'"],
  ])('a 500 %s "%s" is the engine\'s refusal, with its message', (type, message) => {
    expect(isPersistenceFault(type, message)).toBe(false);
    expect(classifyEngineAnswer(500, error(type, message), 'item')).toEqual({
      kind: 'refused',
      status: 500,
      detail: message,
      errorClass: 'INVALID_STATE',
    });
  });
});

describe('the other answers of Camunda 7', () => {
  it('a 404 is the item refused as not found, a 401 the service refused, a 503 transient, a 2xx done', () => {
    expect(
      classifyEngineAnswer(
        404,
        error('InvalidRequestException', 'Process instance with id a does not exist'),
        'item',
      ),
    ).toEqual({
      kind: 'refused',
      status: 404,
      detail: 'Process instance with id a does not exist',
      errorClass: 'NOT_FOUND',
    });
    expect(classifyEngineAnswer(401, undefined, 'item')).toEqual({
      kind: 'unavailable',
      status: 401,
      detail: 'HTTP 401',
    });
    expect(classifyEngineAnswer(503, 'busy', 'item')).toEqual({
      kind: 'transient',
      detail: 'HTTP 503: busy',
    });
    expect(classifyEngineAnswer(204, undefined, 'item')).toEqual({ kind: 'ok', body: undefined });
  });
});
