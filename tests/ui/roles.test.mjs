// Unit tests of ui/js/roles.js: what staff are not offered, the idle minutes typed in settings, the password checks
// made before the core is asked, and the operators table's order and times.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isAdmin, loginTime, parseIdleMinutes, passwordProblems, ROLES, routeAllowed, sortOperators } from '../../ui/js/roles.js';
import zh from '../../ui/strings/zh-CN.js';
import en from '../../ui/strings/en.js';

const admin = { operator_id: 1, name: '李敏', role: 'admin' };
const staff = { operator_id: 2, name: '王芳', role: 'staff' };

test('only administrators are administrators', () => {
  assert.equal(isAdmin(admin), true);
  assert.equal(isAdmin(staff), false);
  assert.equal(isAdmin(null), false);
  assert.equal(isAdmin({ role: 'ADMIN' }), false);
});

test('staff are not taken to the 操作日志; everything else is open to them', () => {
  assert.equal(routeAllowed({ name: 'audit' }, staff), false);
  assert.equal(routeAllowed({ name: 'audit' }, admin), true);
  for (const name of ['dashboard', 'households', 'household', 'settings', 'import', 'volunteers']) {
    assert.equal(routeAllowed({ name }, staff), true, name);
  }
});

test('every role has its name in both languages', () => {
  for (const role of ROLES) {
    assert.ok(zh[`role.${role}`], role);
    assert.ok(en[`role.${role}`], role);
  }
  assert.equal(zh['role.admin'], '管理员');
  assert.equal(zh['role.staff'], '工作人员');
});

test('idle minutes: whole numbers from 1 to 120', () => {
  assert.equal(parseIdleMinutes('10'), 10);
  assert.equal(parseIdleMinutes(' 1 '), 1);
  assert.equal(parseIdleMinutes('120'), 120);
  for (const bad of ['0', '121', '', '  ', '5.5', '-3', '十', '1e2', null, undefined]) {
    assert.equal(parseIdleMinutes(bad), null, String(bad));
  }
});

test('a new password must be given and typed the same twice before the core is asked', () => {
  assert.deepEqual(passwordProblems({ password: 'abc123', confirm: 'abc123' }), []);
  assert.deepEqual(passwordProblems({ password: '', confirm: '' }), [{ field: 'password', key: 'auth.passwordRequired' }]);
  assert.deepEqual(passwordProblems({ password: 'abc123', confirm: 'abc124' }), [{ field: 'confirm', key: 'auth.confirmMismatch' }]);
  assert.deepEqual(passwordProblems({ password: '', confirm: '', passwordField: 'new_password' }), [{ field: 'new_password', key: 'auth.passwordRequired' }]);
  // Spaces count: a password is sent exactly as typed.
  assert.deepEqual(passwordProblems({ password: 'abc ', confirm: 'abc' }), [{ field: 'confirm', key: 'auth.confirmMismatch' }]);
  for (const key of ['auth.passwordRequired', 'auth.confirmMismatch']) assert.ok(zh[key] && en[key], key);
});

test('operators: active first (administrators before staff), disabled ones last', () => {
  const rows = [
    { id: 1, name: '赵六', role: 'staff', active: false },
    { id: 2, name: '王芳', role: 'staff', active: true },
    { id: 3, name: '李敏', role: 'admin', active: true },
    { id: 4, name: '陈静', role: 'admin', active: false },
  ];
  assert.deepEqual(sortOperators(rows).map((r) => r.id), [3, 2, 4, 1]);
  assert.deepEqual(sortOperators(null), []);
});

test('last login is shown to the minute; never logged in stays null', () => {
  assert.equal(loginTime('2026-11-29 09:30:12'), '2026-11-29 09:30');
  assert.equal(loginTime('2026-11-29T09:30:12'), '2026-11-29 09:30');
  assert.equal(loginTime(null), null);
  assert.equal(loginTime(''), null);
});
